from icity.celery import app as celery_app


def reset_producer_pool(monkeypatch=None) -> None:
    """Forget cached broker connections, so a changed broker_url takes effect."""
    for owner, attribute in ((celery_app, "_pool"), (celery_app.amqp, "_producer_pool")):
        if monkeypatch is not None:
            monkeypatch.setattr(owner, attribute, None)
        else:
            setattr(owner, attribute, None)
