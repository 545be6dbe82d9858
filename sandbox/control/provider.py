"""The control API as a provider (access is the guard's optional admin token), with `{"error", "details"}` errors."""

from sandbox.control import docs, handlers, home, qa, webhooks
from sandbox.core.provider import Provider


class ControlProvider(Provider):
    name = "sandbox"
    simulated = False
    apis = (("sandbox-control-v1.yaml", {**handlers.OPERATIONS, **webhooks.OPERATIONS, **qa.OPERATIONS,
                                       **home.OPERATIONS, **docs.OPERATIONS}),)

    @staticmethod
    def error_body(error, request_id):
        return {"error": error.message, "details": {**error.details, "requestId": request_id}}
