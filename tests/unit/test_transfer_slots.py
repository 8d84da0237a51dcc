from readiness.probe.slots import TransferSlots


def test_one_client_gets_at_most_its_share_and_others_still_get_theirs():
    slots = TransferSlots(total=5, per_client=2)
    assert [slots.take("a") for _ in range(4)] == [True, True, False, False]
    assert slots.take("b") and slots.take("b")
    assert slots.take("c")
    assert not slots.take("d"), "the server's total is reached"


def test_a_slot_given_back_can_be_taken_again():
    slots = TransferSlots(total=1, per_client=1)
    assert slots.take("a")
    slots.give_back("a")
    assert slots.in_use() == 0
    assert slots.take("b")
