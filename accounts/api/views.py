"""The caller's agenda: list, save (201 the first time, 200 after), delete (another's id: 404).
An item removed from the program stays listed, "removed", until deleted (dismissed)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import exceptions, generics, mixins, permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts import services
from accounts.agenda import find_clashes
from accounts.lockout import LOCKED_MESSAGE, retry_after_seconds
from accounts.models import ITEM_TYPES, AgendaItem, User
from program.api.serializers import ConferenceTimeField, RoomRefSerializer, absolute


class AgendaItemSerializer(serializers.ModelSerializer):
    """A row of the caller's agenda: a saved item ("scheduled"), or one that left the program
    ("removed", until dismissed with DELETE), shown as it was saved: title, kind and time, with
    no item, room or page any more."""

    status = serializers.ChoiceField(choices=["scheduled", "removed"], read_only=True)
    item_type = serializers.ChoiceField(choices=ITEM_TYPES, read_only=True)
    item_id = serializers.IntegerField(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)
    starts_at = ConferenceTimeField(read_only=True, allow_null=True)
    ends_at = ConferenceTimeField(read_only=True, allow_null=True)
    room = RoomRefSerializer(read_only=True, allow_null=True)
    clashes_with = serializers.SerializerMethodField()
    changed_since_saved = serializers.BooleanField(read_only=True)
    removed_at = ConferenceTimeField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "status",
            "item_type",
            "item_id",
            "title",
            "starts_at",
            "ends_at",
            "room",
            "clashes_with",
            "changed_since_saved",
            "removed_at",
            "url",
        ]

    def get_clashes_with(self, obj) -> list[int]:
        # Found by the viewset for the items it shows (AgendaViewSet.clashes_for).
        return [other.pk for other in self.context.get("clashes", {}).get(obj.pk, [])]

    def get_url(self, obj) -> str | None:
        item = obj.item
        return (
            None if item is None else absolute(self.context.get("request"), item.get_absolute_url())
        )


@extend_schema_serializer(component_name="AgendaItem")  # its request: AgendaItemRequest
class SaveToAgendaSerializer(serializers.Serializer):
    """What to save: a session, poster or talk the caller may see."""

    item_type = serializers.ChoiceField(choices=ITEM_TYPES)
    item_id = serializers.IntegerField(min_value=1)

    def validate(self, attrs):
        try:
            attrs["item"] = services.find_item(
                user=self.context["request"].user,
                item_type=attrs["item_type"],
                item_id=attrs["item_id"],
            )
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs


def ordering(agenda_item: AgendaItem) -> tuple:
    """The agenda's own order (AgendaItem.Meta.ordering), in which clashes are listed."""
    return (agenda_item.saved_at, agenda_item.pk)


@extend_schema(tags=["agenda"])
class AgendaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AgendaItemSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        # Another user's ids are simply not here: 404, never 403.
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return AgendaItem.objects.none()
        return AgendaItem.objects.visible_to(self.request.user).with_items()

    def clashes_for(self, items: list[AgendaItem]) -> None:
        """Clashes of the items about to be shown, with only the agenda rows near them in time."""
        near = {other.pk: other for other in self.get_queryset().around(items)}
        among = sorted({**near, **{item.pk: item for item in items}}.values(), key=ordering)
        self.clashes = find_clashes(among)

    def get_serializer_class(self):
        return SaveToAgendaSerializer if self.action == "create" else AgendaItemSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "clashes": getattr(self, "clashes", {})}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.clashes_for(page if page is not None else list(queryset))
        return page

    def get_object(self):
        item = super().get_object()
        self.clashes_for([item])
        return item

    @extend_schema(
        request=SaveToAgendaSerializer,
        responses={200: AgendaItemSerializer, 201: AgendaItemSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item, created = services.save_to_agenda(
            user=request.user, item=serializer.validated_data["item"]
        )
        item = self.get_queryset().get(pk=item.pk)
        self.clashes_for([item])
        return Response(
            AgendaItemSerializer(item, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def destroy(self, request, *args, **kwargs):
        """Remove a saved item, or dismiss one removed from the program."""
        # Delete with a filter and look at the count: of parallel deletes of one item, exactly
        # one answers 204 and the others 404 (the row was already gone).
        raw = str(kwargs[self.lookup_field])
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise exceptions.NotFound("No such item in your agenda.")
        if not services.remove_agenda_item(user=request.user, agenda_item_id=int(raw)):
            raise exceptions.NotFound("No such item in your agenda.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class PreferencesSerializer(serializers.ModelSerializer):
    """The caller's preferences: mail about changes to saved items, the calendar feed's
    reminder (minutes before each item; 0 is none) and the preferred time zone."""

    class Meta:
        model = User
        fields = ["username", "email", "timezone", "change_mail", "reminder_minutes"]
        read_only_fields = ["username", "email"]

    def validate(self, attrs):
        writable = {"timezone", "change_mail", "reminder_minutes"}
        unknown = sorted(set(getattr(self, "initial_data", {})) - writable)
        if unknown:
            raise serializers.ValidationError(
                {
                    name: f"Not a preference you can change here; use {sorted(writable)}."
                    for name in unknown
                }
            )
        if attrs.get("change_mail") and not self.instance.email:
            raise serializers.ValidationError(
                {"change_mail": "Your account has no email address to mail to."}
            )
        return attrs


@extend_schema(tags=["me"])
class PreferencesView(generics.RetrieveUpdateAPIView):
    """GET the caller's preferences; PATCH some of them (anything else is a 400, nothing
    changes)."""

    serializer_class = PreferencesSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user


class TokenView(ObtainAuthToken):
    """A token for a username and password; 429 with Retry-After while log-ins are locked.

    Failed attempts count towards the same lock-outs as the log-in page (accounts/lockout.py).
    """

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes flags the request it was given (this DRF request) when it is locked.
            if getattr(request, "axes_locked_out", False):
                raise exceptions.Throttled(wait=retry_after_seconds(request), detail=LOCKED_MESSAGE)
            raise exceptions.ValidationError(serializer.errors)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        # A secret: kept by no cache, and never compressed (conference/compression.py).
        return Response({"token": token.key}, headers={"Cache-Control": "no-store"})
