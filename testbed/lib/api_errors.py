"""The API server's errors as the emulator answers them: an exception carrying a Kubernetes Status."""
import datetime


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details


def _now():
    return datetime.datetime.now(tz=datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _status(code, reason, message, details=None):
    return {'kind': 'Status', 'apiVersion': 'v1', 'metadata': {},
            'status': 'Success' if code < 400 else 'Failure',
            'message': message, 'reason': reason, 'details': details or {}, 'code': code}
