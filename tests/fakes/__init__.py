"""Fake provider servers on 127.0.0.1 that the real SDKs talk to in tests and benches."""
