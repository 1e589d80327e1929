from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .roles import Role


class ICityOIDCBackend(OIDCAuthenticationBackend):
    """Single sign-on: match people by email; new people start as requesters."""

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or claims.get("upn") or "").strip().lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email)

    def create_user(self, claims):
        from django.contrib.auth.models import Group

        email = (claims.get("email") or claims.get("upn") or "").strip().lower()
        user = self.UserModel.objects.create_user(
            email=email,
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=Role.REQUESTER))
        return user

    def update_user(self, user, claims):
        user.first_name = claims.get("given_name", user.first_name)
        user.last_name = claims.get("family_name", user.last_name)
        user.save(update_fields=["first_name", "last_name"])
        return user
