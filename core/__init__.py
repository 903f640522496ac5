"""What several apps use and that knows no app: money, input parsing, uploads, the outbox,
enqueueing after commit. Imports Django only."""
