"""Public program pages (PRODUCT.md "URL map")."""

from django.urls import path, register_converter

from program.models import Poster, Talk
from program.views import (
    calendars,
    embed,
    interchange,
    items,
    schedule,
    screens,
    search,
    timezones,
    venue,
)
from program.views.converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "program"

POSTER, TALK = {"model": Poster}, {"model": Talk}

urlpatterns = [
    path("", schedule.home, name="home"),
    path("conferences/", schedule.conference_list, name="conference-list"),
    path("timezone/", timezones.set_timezone, name="set-timezone"),
    path("<slug:conference>/", schedule.overview, name="overview"),
    path("<slug:conference>/<isodate:date>/", schedule.day, name="day"),
    path("<slug:conference>/search/", search.search, name="search"),
    path("<slug:conference>/embed/", embed.embed, name="embed"),
    path("<slug:conference>/embed/resize.js", embed.embed_script, name="embed-script"),
    path("<slug:conference>/screen/", screens.area_screen, name="area-screen"),
    path("<slug:conference>/rooms/<int:pk>/screen/", screens.room_screen, name="room-screen"),
    path("<slug:conference>/schedule.ics", interchange.program_ics, name="schedule-ics"),
    path("<slug:conference>/schedule.json", interchange.schedule_json, name="schedule-json"),
    path("<slug:conference>/schedule.xml", interchange.schedule_xml, name="schedule-xml"),
    path("<slug:conference>/sessions/<int:pk>.ics", calendars.session_ics, name="session-ics"),
    path("<slug:conference>/posters/<int:pk>.ics", calendars.item_ics, POSTER, name="poster-ics"),
    path("<slug:conference>/talks/<int:pk>.ics", calendars.item_ics, TALK, name="talk-ics"),
    path("<slug:conference>/sessions/<int:pk>/", schedule.session_detail, name="session-detail"),
    path("<slug:conference>/rooms/<int:pk>/", schedule.room_detail, name="room-detail"),
    path("<slug:conference>/rooms/<int:pk>/plan", venue.floor_plan, name="floor-plan"),
    path("<slug:conference>/posters/<int:pk>/", items.item_detail, POSTER, name="poster-detail"),
    path("<slug:conference>/talks/<int:pk>/", items.item_detail, TALK, name="talk-detail"),
    path("<slug:conference>/items/<uuid:uid>/", items.item_by_uid, name="item-by-uid"),
    path("<slug:conference>/people/<slug:slug>/", items.person_detail, name="person-detail"),
    path("<slug:conference>/papers/", items.contribution_list, name="contribution-list"),
    path(
        "<slug:conference>/papers/<int:pk>/",
        items.contribution_detail,
        name="contribution-detail",
    ),
]
