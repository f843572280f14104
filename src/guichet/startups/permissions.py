def can_edit_startup(user, startup) -> bool:
    """Founders update their own company's figures; cluster staff update any."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or startup.founders.filter(pk=user.pk).exists()
