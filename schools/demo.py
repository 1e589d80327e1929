def seed_schools(*, rng, stdout=None, **kwargs) -> None:
    return None
