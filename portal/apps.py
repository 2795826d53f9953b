from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The pages and commands that bring every app together (home page, file page, demo and synthetic data).

    It sits at the top of the dependency chain: it may import any app, and no app imports it.
    """

    name = "portal"
