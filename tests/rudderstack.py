"""A RudderStack user's exported Mixpanel config, written for the tests in the shape RudderStack's
JS SDK receives for a web source in device mode: lists of {property} rows, the dashboard's
defaults and empty rows, {"web": x} values, and keys of its SDK, dashboard and cloud mode. No
real project's values. Shared by tests/unit/test_rudderstack_export.py and the wire test.
"""

from __future__ import annotations

from typing import Any

EXPORTED: dict[str, Any] = {
    "token": "issue18-test-project",
    "dataResidency": "us",
    "identityMergeApi": "original",
    "people": True,
    "setAllTraitsByDefault": True,
    "superProperties": [{"property": "plan"}],
    "setOnceProperties": [{"property": "signupSource"}, {"property": "address.city"}],
    "peopleProperties": [{"property": ""}],
    "eventIncrements": [{"property": "Purchase"}],
    "propIncrements": [{"property": ""}],
    "consolidatedPageCalls": True,
    "trackCategorizedPages": False,
    "trackNamedPages": False,
    "sourceName": "",
    "sessionReplayPercentage": {"web": "0"},
    "crossSubdomainCookie": False,
    "persistence": "none",
    "persistenceType": "cookie",
    "persistenceName": "",
    "secureCookie": False,
    "groupKeySettings": [{"groupKey": ""}],
    "eventFilteringOption": "disable",
    "whitelistedEvents": [{"eventName": ""}],
    "blacklistedEvents": [{"eventName": ""}],
    "ignoreDnt": False,
    "useUserDefinedPageEventName": True,
    "userDefinedPageEventTemplate": "Seen {{ category }} {{ name }} page",
    "useUserDefinedScreenEventName": False,
    "userDefinedScreenEventTemplate": "Viewed {{ category }} {{ name }} screen",
    "useNativeSDK": {"web": True},
    "connectionMode": {"web": "device"},
    "consentManagement": {"web": [{"provider": "oneTrust", "consents": [{"consent": ""}]}]},
    "oneTrustCookieCategories": {"web": [{"oneTrustCookieCategory": ""}]},
    "ketchConsentPurposes": {"web": [{"purpose": ""}]},
    "unionProperties": [{"property": ""}],
    "appendProperties": [{"property": ""}],
    "dropTraitsInTrackEvent": False,
    "strictMode": False,
    "useNewMapping": False,
    "userDeletionApi": "engage",
}
