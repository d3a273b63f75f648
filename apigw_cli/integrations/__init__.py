"""The backends an integration calls: MOCK, HTTP, Lambda (proxy or not)."""
