"""Providers register by name; built-ins register the same way as extras."""

from __future__ import annotations

from typing import Callable, Generic, TypeVar

from vectorstore.errors import UnknownProviderError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def decorator(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            return factory

        return decorator

    def create(self, name: str, **options) -> T:
        try:
            factory = self._factories[name]
        except KeyError:
            raise UnknownProviderError(self.kind, name, list(self._factories)) from None
        return factory(**options)

    def names(self) -> list[str]:
        return sorted(self._factories)
