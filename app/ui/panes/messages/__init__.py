"""The Messages pane: the phone-like inbox, the templates and the subscriptions."""
