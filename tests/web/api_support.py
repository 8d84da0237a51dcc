"""Shared by the API tests: a key made with the real command, and a client that sends it."""

import re


def create_key(app, name="scheduling") -> str:
    result = app.test_cli_runner().invoke(args=["apikey", "create", "--name", name])
    assert result.exit_code == 0, result.output
    return re.search(r"Key \(shown once\): (\S+)", result.output).group(1)


class ApiClient:
    def __init__(self, client, key):
        self.client = client
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path, **kwargs):
        return self.client.get("/api/v1" + path, headers=self.headers, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post("/api/v1" + path, headers=self.headers, **kwargs)

    def put(self, path, **kwargs):
        return self.client.put("/api/v1" + path, headers=self.headers, **kwargs)
