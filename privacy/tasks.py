from celery import shared_task

from . import services


@shared_task(soft_time_limit=600, time_limit=660, name="privacy.data_export_build")
def data_export_build(export_id):
    return services.export_build(export_id=export_id)


@shared_task(name="privacy.data_exports_sweep")
def data_exports_sweep():
    """Beat: delete expired exports; queue again builds that were lost or stuck."""
    result = services.exports_sweep()
    for pk in result["pending"]:
        data_export_build.delay(pk)
    return {"expired": result["expired"], "queued": len(result["pending"])}
