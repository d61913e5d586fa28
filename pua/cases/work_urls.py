"""URLs of My work, tasks and appointments; see work_views."""

from django.urls import path

from . import work_views as views

urlpatterns = [
    path("work/", views.my_work, name="my_work"),
    path("work/calendar.ics", views.my_calendar, name="my_calendar"),
    path("work/tasks/", views.task_list, name="task_list"),
    path("work/tasks/new/", views.task_create, name="task_create"),
    path("work/tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("work/tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("work/tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("work/tasks/<int:pk>/reopen/", views.task_reopen, name="task_reopen"),
]
