"""Request and response bodies of the public API (the contract in README.md)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from mukaan.texts import Lang


class ChatRequest(BaseModel):
    session: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                description="Conversation id; omit to start a new one")
    message: str = Field(max_length=100_000, description="What the resident wrote, or a button payload")
    lang: Lang | None = None


class Button(BaseModel):
    title: str
    payload: str


class ChatMessage(BaseModel):
    text: str | None = None
    buttons: list[Button] | None = None
    activities: list[dict[str, Any]] | None = None
    text_version: str | None = None
    lang: Lang | None = None
    kind: str | None = Field(default=None, description="'crisis' or 'notice' for special messages")
    ask: Literal["municipality"] | None = Field(default=None, description="the question the message asks")


class ChatResponse(BaseModel):
    session: str
    lang: Lang
    messages: list[ChatMessage]


class SearchResponse(BaseModel):
    results: list[dict[str, Any]]
    total: int
    good_match: bool = Field(True, description="false: nothing fits the words well; the results are "
                                               "the nearest alternatives")


class Decision(BaseModel):
    """Staff's reason for sending a change back or declining a request."""
    reason: str = Field("", max_length=500)
