# Fallback for machines without systemd: the daily reminder mails of mod_ismsreview.
# Off by default; remove the "#" below to turn it on (settings in /etc/default/ismsreview-notify).
SHELL=/bin/sh
#30 6 * * * www-data [ -x /usr/bin/ismsreview-admin ] && . /etc/default/ismsreview-notify && ISMSREVIEW_DATABASE="$ISMSREVIEW_DATABASE" /usr/bin/ismsreview-admin notify $NOTIFY_OPTIONS
