"""Re-encrypt every personal field with the newest data key, a batch at a time.

Each batch is committed on its own, so a rotation that is interrupted (a crash, Ctrl+C, a
`limit`) leaves every row readable, under the old key or the new, and the next run carries on
with the rows still under an older key: it finds them by their key id, not by remembering
where it stopped. Blind indexes are rewritten under the newest key with their fields.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, column, not_, or_, select, table, types, update
from sqlalchemy.orm import Session

from ..data_keys import Keyring, UndecryptableValue
from ..encrypted import EncryptedJSON, EncryptedText
from ..models import BLIND_INDEXES

BATCH_SIZE = 200


@dataclass
class RotationReport:
    rows: dict[str, int] = field(default_factory=dict)
    finished: bool = True

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def encrypted_columns(metadata) -> dict[str, list[str]]:
    """Each table's encrypted columns, from the models' column types."""
    found = {}
    for name, model_table in metadata.tables.items():
        names = [
            col.name
            for col in model_table.columns
            if isinstance(col.type, EncryptedText | EncryptedJSON)
        ]
        if names:
            found[name] = names
    return found


def opened_in_place(ring: Keyring, stored: str, place: str) -> str:
    """The clear text, refusing a value sealed for another place (moved there)."""
    text, sealed_for = ring.open(stored)
    if sealed_for is not None and sealed_for != place:
        raise UndecryptableValue(f"a value sealed for {sealed_for} was found in {place}")
    return text


def index_rules() -> dict[str, tuple]:
    return {model.__tablename__: rules for model, rules in BLIND_INDEXES.items()}


def rotate(
    session: Session,
    ring: Keyring,
    metadata,
    *,
    batch_size: int = BATCH_SIZE,
    limit: int | None = None,
) -> RotationReport:
    """Re-encrypt up to `limit` rows (all when None) still under an older key, or in clear."""
    prefix = ring.newest_prefix()
    report = RotationReport()
    rules = index_rules()
    for table_name, names in encrypted_columns(metadata).items():
        indexes = rules.get(table_name, ())
        raw = table(
            table_name,
            column("id", types.Integer),
            *(column(name, types.Text) for name in names),
            *(column(index_field, types.String) for _, index_field, _ in indexes),
        )
        stale = or_(
            *(
                and_(raw.c[name].is_not(None), not_(raw.c[name].like(prefix + "%")))
                for name in names
            )
        )
        done = 0
        while True:
            if limit is not None and report.total + done >= limit:
                report.finished = False
                break
            size = batch_size if limit is None else min(batch_size, limit - report.total - done)
            rows = session.execute(
                select(raw.c.id, *(raw.c[name] for name in names))
                .where(stale)
                .order_by(raw.c.id)
                .limit(size)
            ).all()
            if not rows:
                break
            for row in rows:
                clear = {
                    name: opened_in_place(ring, value, f"{table_name}.{name}.{row.id}")
                    for name, value in zip(names, row[1:], strict=True)
                    if value is not None
                }
                # Sealed for its table, column and row (v2), whatever it was before.
                values = {
                    name: ring.encrypt(text, f"{table_name}.{name}.{row.id}")
                    for name, text in clear.items()
                }
                for clear_field, index_field, normalise in indexes:
                    text = clear.get(clear_field)
                    values[index_field] = ring.blind_index(normalise(text)) if text else None
                session.execute(update(raw).where(raw.c.id == row.id).values(**values))
            session.commit()
            done += len(rows)
        if done:
            report.rows[table_name] = done
        if not report.finished:
            break
    return report
