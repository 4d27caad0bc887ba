"""Testing helpers for users: `assert_close`, and hypothesis strategies in `testing.strategies`
(which needs `pip install hypothesis`)."""
