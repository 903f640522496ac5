from django.conf import settings


def site(request):
    return {
        "MANAGER_NAME": settings.MANAGER_NAME,
        "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
        "MANAGER_PHONE": settings.MANAGER_PHONE,
        "MANAGER_EMAIL": settings.MANAGER_EMAIL,
        "SITE_URL": settings.SITE_URL,
    }
