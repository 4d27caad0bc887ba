"""save/load (being written)."""


def save(obj: object, f: object) -> None:
    raise NotImplementedError


def load(f: object, **kwargs: object) -> object:
    raise NotImplementedError
