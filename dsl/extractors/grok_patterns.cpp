#include "dsl/extractors/extractor_programs.hpp"

#include <map>

namespace temblor::dsl::extractors {

// The named patterns grok offers by default: the well-known logstash set
// (basics, networking, paths and URIs, dates and times, syslog, HTTP logs,
// log levels) and the common application log families (java, ruby, rails,
// redis, mongodb, postgresql, haproxy, nagios-free). Written for our
// Rust-syntax regexes on RE2: lookaround and atomic groups, which RE2
// cannot run, are left out or become plain groups, so a few patterns are
// slightly more permissive at their edges than Oniguruma's originals.
const std::map<std::string, std::string>& grok_patterns() {
  static const std::map<std::string, std::string> p = {
    // -- basics
    {"USERNAME", R"g([a-zA-Z0-9._-]+)g"},
    {"USER", R"g(%{USERNAME})g"},
    {"EMAILLOCALPART", R"g([a-zA-Z][a-zA-Z0-9_.+=:-]+)g"},
    {"EMAILADDRESS", R"g(%{EMAILLOCALPART}@%{HOSTNAME})g"},
    {"INT", R"g((?:[+-]?(?:[0-9]+)))g"},
    {"BASE10NUM", R"g((?:[+-]?(?:(?:[0-9]+(?:\.[0-9]+)?)|(?:\.[0-9]+))))g"},
    {"NUMBER", R"g((?:%{BASE10NUM}))g"},
    {"BASE16NUM", R"g((?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+)))g"},
    {"BASE16FLOAT", R"g(\b(?:[+-]?(?:0x)?(?:(?:[0-9A-Fa-f]+(?:\.[0-9A-Fa-f]*)?)|(?:\.[0-9A-Fa-f]+)))\b)g"},
    {"POSINT", R"g(\b(?:[1-9][0-9]*)\b)g"},
    {"NONNEGINT", R"g(\b(?:[0-9]+)\b)g"},
    {"WORD", R"g(\b\w+\b)g"},
    {"NOTSPACE", R"g(\S+)g"},
    {"SPACE", R"g(\s*)g"},
    // Like the patterns before this table, DATA and GREEDYDATA span newlines.
    {"DATA", R"g((?s:.*?))g"},
    {"GREEDYDATA", R"g((?s:.*))g"},
    {"QUOTEDSTRING", R"g((?:"(?:\\.|[^\\"]+)+"|""|'(?:\\.|[^\\']+)+'|''|`(?:\\.|[^\\`]+)+`|``))g"},
    {"QS", R"g(%{QUOTEDSTRING})g"},
    {"UUID", R"g([A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12})g"},
    {"URN", R"g(urn:[0-9A-Za-z][0-9A-Za-z-]{0,31}:(?:%[0-9a-fA-F]{2}|[0-9A-Za-z()+,.:=@;$_!*'/?#-])+)g"},

    // -- networking
    {"CISCOMAC", R"g((?:(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4}))g"},
    {"WINDOWSMAC", R"g((?:(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2}))g"},
    {"COMMONMAC", R"g((?:(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2}))g"},
    {"MAC", R"g((?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC}))g"},
    {"IPV4OCTET", R"g((?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2}))g"},
    {"IPV4", R"g((?:%{IPV4OCTET}\.%{IPV4OCTET}\.%{IPV4OCTET}\.%{IPV4OCTET}))g"},
    // Every RFC 4291 spelling: full, `::`-compressed at any position, and
    // with an embedded IPv4 tail; an optional `%zone`.
    {"IPV6H16", R"g([0-9A-Fa-f]{1,4})g"},
    {"IPV6", R"g((?:(?:(?:%{IPV6H16}:){7}(?:%{IPV6H16}|:))|)g"
             R"g((?:(?:%{IPV6H16}:){6}(?::%{IPV6H16}|%{IPV4}|:))|)g"
             R"g((?:(?:%{IPV6H16}:){5}(?:(?:(?::%{IPV6H16}){1,2})|:%{IPV4}|:))|)g"
             R"g((?:(?:%{IPV6H16}:){4}(?:(?:(?::%{IPV6H16}){1,3})|(?:(?::%{IPV6H16})?:%{IPV4})|:))|)g"
             R"g((?:(?:%{IPV6H16}:){3}(?:(?:(?::%{IPV6H16}){1,4})|(?:(?::%{IPV6H16}){0,2}:%{IPV4})|:))|)g"
             R"g((?:(?:%{IPV6H16}:){2}(?:(?:(?::%{IPV6H16}){1,5})|(?:(?::%{IPV6H16}){0,3}:%{IPV4})|:))|)g"
             R"g((?:(?:%{IPV6H16}:){1}(?:(?:(?::%{IPV6H16}){1,6})|(?:(?::%{IPV6H16}){0,4}:%{IPV4})|:))|)g"
             R"g((?::(?:(?:(?::%{IPV6H16}){1,7})|(?:(?::%{IPV6H16}){0,5}:%{IPV4})|:)))(?:%.+)?)g"},
    {"IP", R"g((?:%{IPV6}|%{IPV4}))g"},
    {"HOSTNAME", R"g(\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(?:\.?|\b))g"},
    {"IPORHOST", R"g((?:%{IP}|%{HOSTNAME}))g"},
    {"HOSTPORT", R"g(%{IPORHOST}:%{POSINT})g"},

    // -- paths and URIs
    {"UNIXPATH", R"g((?:/(?:[\w_%!$@:.,+~-]+|\\.)*)+)g"},
    {"TTY", R"g((?:/dev/(?:pts|tty(?:[pq])?)(?:\w+)?/?(?:[0-9]+)))g"},
    {"WINPATH", R"g((?:[A-Za-z]+:|\\)(?:\\[^\\?*]*)+)g"},
    {"PATH", R"g((?:%{UNIXPATH}|%{WINPATH}))g"},
    {"URIPROTO", R"g([A-Za-z](?:[A-Za-z0-9+\-.]+)+)g"},
    {"URIHOST", R"g(%{IPORHOST}(?::%{POSINT:port})?)g"},
    {"URIPATH", R"g((?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+)g"},
    {"URIPARAM", R"g(\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*)g"},
    {"URIPATHPARAM", R"g(%{URIPATH}(?:%{URIPARAM})?)g"},
    {"URI", R"g(%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?)g"},

    // -- dates and times
    {"MONTH", R"g(\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y|i)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\b)g"},
    {"MONTHNUM", R"g((?:0?[1-9]|1[0-2]))g"},
    {"MONTHNUM2", R"g((?:0[1-9]|1[0-2]))g"},
    {"MONTHDAY", R"g((?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9]))g"},
    {"DAY", R"g((?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?))g"},
    {"YEAR", R"g((?:\d\d){1,2})g"},
    {"HOUR", R"g((?:2[0123]|[01]?[0-9]))g"},
    {"MINUTE", R"g((?:[0-5][0-9]))g"},
    // 60: a leap second.
    {"SECOND", R"g((?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?))g"},
    {"TIME", R"g(%{HOUR}:%{MINUTE}(?::%{SECOND}))g"},
    {"DATE_US", R"g(%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR})g"},
    {"DATE_EU", R"g(%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR})g"},
    {"ISO8601_TIMEZONE", R"g((?:Z|[+-]%{HOUR}(?::?%{MINUTE})))g"},
    {"ISO8601_SECOND", R"g((?:%{SECOND}|60))g"},
    {"TIMESTAMP_ISO8601", R"g(%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?)g"},
    {"DATE", R"g(%{DATE_US}|%{DATE_EU})g"},
    {"DATESTAMP", R"g(%{DATE}[- ]%{TIME})g"},
    {"TZ", R"g((?:[APMCE][SD]T|UTC))g"},
    {"DATESTAMP_RFC822", R"g(%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ})g"},
    {"DATESTAMP_RFC2822", R"g(%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE})g"},
    {"DATESTAMP_OTHER", R"g(%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR})g"},
    {"DATESTAMP_EVENTLOG", R"g(%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND})g"},
    {"HTTPDERROR_DATE", R"g(%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{YEAR})g"},
    {"HTTPDATE", R"g(%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT})g"},

    // -- syslog
    {"SYSLOGTIMESTAMP", R"g(%{MONTH} +%{MONTHDAY} %{TIME})g"},
    {"PROG", R"g([\x21-\x5a\x5c\x5e-\x7e]+)g"},
    {"SYSLOGPROG", R"g(%{PROG:program}(?:\[%{POSINT:pid}\])?)g"},
    {"SYSLOGHOST", R"g(%{IPORHOST})g"},
    {"SYSLOGFACILITY", R"g(<%{NONNEGINT:facility}.%{NONNEGINT:priority}>)g"},
    {"SYSLOGBASE", R"g(%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:logsource} %{SYSLOGPROG}:)g"},
    {"SYSLOG5424PRINTASCII", R"g([!-~]+)g"},
    {"SYSLOG5424PRI", R"g(<%{NONNEGINT:syslog5424_pri}>)g"},
    {"SYSLOG5424SD", R"g(\[%{DATA}\]+)g"},
    {"SYSLOG5424BASE", R"g(%{SYSLOG5424PRI}%{NONNEGINT:syslog5424_ver} +(?:%{TIMESTAMP_ISO8601:syslog5424_ts}|-) +(?:%{IPORHOST:syslog5424_host}|-) +(-|%{SYSLOG5424PRINTASCII:syslog5424_app}) +(-|%{SYSLOG5424PRINTASCII:syslog5424_proc}) +(-|%{SYSLOG5424PRINTASCII:syslog5424_msgid}) +(?:%{SYSLOG5424SD:syslog5424_sd}|-|))g"},
    {"SYSLOG5424LINE", R"g(%{SYSLOG5424BASE} +%{GREEDYDATA:syslog5424_msg})g"},
    {"SYSLOGLINE", R"g(%{SYSLOGBASE} %{GREEDYDATA:message})g"},
    {"SYSLOGPAMSESSION", R"g(%{SYSLOGBASE} %{GREEDYDATA:message}%{WORD:pam_module}\(%{DATA:pam_caller}\): session %{WORD:pam_session_state} for user %{USERNAME:username}(?: by %{GREEDYDATA:pam_by})?)g"},
    {"CRON_ACTION", R"g([A-Z ]+)g"},
    {"CRONLOG", R"g(%{SYSLOGBASE} \(%{USER:user}\) %{CRON_ACTION:action} \(%{DATA:message}\))g"},

    // -- HTTP server logs
    {"HTTPDUSER", R"g(%{EMAILADDRESS}|%{USER})g"},
    {"COMMONAPACHELOG", R"g(%{IPORHOST:clientip} %{HTTPDUSER:ident} %{USER:auth} \[%{HTTPDATE:timestamp}\] "(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})" %{NUMBER:response} (?:%{NUMBER:bytes}|-))g"},
    {"COMBINEDAPACHELOG", R"g(%{COMMONAPACHELOG} %{QS:referrer} %{QS:agent})g"},
    {"HTTPD20_ERRORLOG", R"g(\[%{HTTPDERROR_DATE:timestamp}\] \[%{LOGLEVEL:loglevel}\] (?:\[client %{IPORHOST:clientip}\] ){0,1}%{GREEDYDATA:errormsg})g"},
    {"HTTPD24_ERRORLOG", R"g(\[%{HTTPDERROR_DATE:timestamp}\] \[%{WORD:module}:%{LOGLEVEL:loglevel}\] \[pid %{POSINT:pid}:tid %{NUMBER:tid}\]( \(%{POSINT:proxy_errorcode}\)%{DATA:proxy_errormessage}:)?( \[client %{IPORHOST:client}:%{POSINT:clientport}\])? %{DATA:errorcode}: %{GREEDYDATA:message})g"},
    {"HTTPD_ERRORLOG", R"g(%{HTTPD20_ERRORLOG}|%{HTTPD24_ERRORLOG})g"},

    // -- log levels
    {"LOGLEVEL", R"g((?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?))g"},

    // -- java
    {"JAVACLASS", R"g((?:[a-zA-Z$_][a-zA-Z$_0-9]*\.)*[a-zA-Z$_][a-zA-Z$_0-9]*)g"},
    {"JAVAFILE", R"g((?:[A-Za-z0-9_. -]+))g"},
    {"JAVAMETHOD", R"g((?:(?:<init>)|[a-zA-Z$_][a-zA-Z$_0-9]*))g"},
    {"JAVASTACKTRACEPART", R"g(%{SPACE}at %{JAVACLASS:class}\.%{JAVAMETHOD:method}\(%{JAVAFILE:file}(?::%{NUMBER:line})?\))g"},
    {"JAVATHREAD", R"g((?:[A-Z]{2}-Processor[\d]+))g"},
    {"JAVALOGMESSAGE", R"g((.*))g"},
    {"CATALINA_DATESTAMP", R"g(%{MONTH} %{MONTHDAY}, 20%{YEAR} %{HOUR}:?%{MINUTE}(?::?%{SECOND}) (?:AM|PM))g"},
    {"CATALINALOG", R"g(%{CATALINA_DATESTAMP:timestamp} %{JAVACLASS:class} %{JAVALOGMESSAGE:logmessage})g"},
    {"TOMCAT_DATESTAMP", R"g(20%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:?%{MINUTE}(?::?%{SECOND}) %{ISO8601_TIMEZONE})g"},
    {"TOMCATLOG", R"g(%{TOMCAT_DATESTAMP:timestamp} \| %{LOGLEVEL:level} \| %{JAVACLASS:class} - %{JAVALOGMESSAGE:logmessage})g"},

    // -- ruby and rails
    {"RUBY_LOGLEVEL", R"g((?:DEBUG|FATAL|ERROR|WARN|INFO))g"},
    {"RUBY_LOGGER", R"g([DFEWI], \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:pid}\] *%{RUBY_LOGLEVEL:loglevel} -- +%{DATA:progname}: %{GREEDYDATA:message})g"},
    {"RUUID", R"g([0-9A-Fa-f]{32})g"},
    {"RCONTROLLER", R"g((?P<controller>[^#]+)#(?P<action>\w+))g"},
    {"RAILS3HEAD", R"g((?m)Started %{WORD:verb} "%{URIPATHPARAM:request}" for %{IPORHOST:clientip} at (?P<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND} %{ISO8601_TIMEZONE}))g"},
    {"RPROCESSING", R"g(\W*Processing by %{RCONTROLLER} as (?P<format>\S+)(?:\W*Parameters: \{%{DATA:params}\}\W*)?)g"},
    {"RAILS3FOOT", R"g(Completed %{NUMBER:response}%{DATA} in %{NUMBER:totalms}ms %{RAILS3PROFILE}%{GREEDYDATA})g"},
    {"RAILS3PROFILE", R"g((?:\((?:Views: %{NUMBER:viewms}ms \| )?ActiveRecord: %{NUMBER:activerecordms}ms)?)g"},
    {"RAILS3", R"g(%{RAILS3HEAD}(?:%{RPROCESSING})?(?P<context>(?:%{DATA}\n)*)(?:%{RAILS3FOOT})?)g"},

    // -- redis, mongodb, postgresql
    {"REDISTIMESTAMP", R"g(%{MONTHDAY} %{MONTH} %{TIME})g"},
    {"REDISLOG", R"g(\[%{POSINT:pid}\] %{REDISTIMESTAMP:timestamp} \* )g"},
    {"MONGO_LOG", R"g(%{SYSLOGTIMESTAMP:timestamp} \[%{WORD:component}\] %{GREEDYDATA:message})g"},
    {"MONGO_QUERY", R"g(\{ .* \})g"},
    {"MONGO_SLOWQUERY", R"g(%{WORD} %{MONGO_WORDDASH:database}\.%{MONGO_WORDDASH:collection} %{WORD}: %{MONGO_QUERY:query} %{WORD}:%{NONNEGINT:ntoreturn} %{WORD}:%{NONNEGINT:ntoskip} %{WORD}:%{NONNEGINT:nscanned}.*nreturned:%{NONNEGINT:nreturned}..+ (?P<duration>[0-9]+)ms)g"},
    {"MONGO_WORDDASH", R"g(\b[\w-]+\b)g"},
    {"MONGO3_SEVERITY", R"g(\w)g"},
    {"MONGO3_COMPONENT", R"g((?:[A-Z]+|-))g"},
    {"MONGO3_LOG", R"g(%{TIMESTAMP_ISO8601:timestamp} %{MONGO3_SEVERITY:severity} %{MONGO3_COMPONENT:component}%{SPACE}(?:\[%{DATA:context}\])? %{GREEDYDATA:message})g"},
    {"POSTGRESQL", R"g(%{DATESTAMP:timestamp} %{TZ} %{DATA:user_id} %{GREEDYDATA:connection_id} %{POSINT:pid})g"},

    // -- haproxy
    {"HAPROXYTIME", R"g((?:2[0123]|[01]?[0-9]):(?:[0-5][0-9]):(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?))g"},
    {"HAPROXYDATE", R"g(%{MONTHDAY}/%{MONTH}/%{YEAR}:%{HAPROXYTIME}.%{INT})g"},
    {"HAPROXYCAPTUREDREQUESTHEADERS", R"g(%{DATA:captured_request_headers})g"},
    {"HAPROXYCAPTUREDRESPONSEHEADERS", R"g(%{DATA:captured_response_headers})g"},
    {"HAPROXYHTTPBASE", R"g(%{IP:client_ip}:%{INT:client_port} \[%{HAPROXYDATE:accept_date}\] %{NOTSPACE:frontend_name} %{NOTSPACE:backend_name}/%{NOTSPACE:server_name} %{INT:time_request}/%{INT:time_queue}/%{INT:time_backend_connect}/%{INT:time_backend_response}/%{NOTSPACE:time_duration} %{INT:http_status_code} %{NOTSPACE:bytes_read} %{DATA:captured_request_cookie} %{DATA:captured_response_cookie} %{NOTSPACE:termination_state} %{INT:actconn}/%{INT:feconn}/%{INT:beconn}/%{INT:srvconn}/%{NOTSPACE:retries} %{INT:srv_queue}/%{INT:backend_queue} (\{%{HAPROXYCAPTUREDREQUESTHEADERS}\})?( )?(\{%{HAPROXYCAPTUREDRESPONSEHEADERS}\})?( )?"(<BADREQ>|(%{WORD:http_verb} (%{URIPROTO:http_proto}://)?(?:%{USER:http_user}(?::[^@]*)?@)?(?:%{URIHOST:http_host})?(?:%{URIPATHPARAM:http_request})?( HTTP/%{NUMBER:http_version})?))?")g"},
    {"HAPROXYHTTP", R"g((?:%{SYSLOGTIMESTAMP:syslog_timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) %{IPORHOST:syslog_server} %{SYSLOGPROG}: %{HAPROXYHTTPBASE})g"},
    {"HAPROXYTCP", R"g((?:%{SYSLOGTIMESTAMP:syslog_timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) %{IPORHOST:syslog_server} %{SYSLOGPROG}: %{IP:client_ip}:%{INT:client_port} \[%{HAPROXYDATE:accept_date}\] %{NOTSPACE:frontend_name} %{NOTSPACE:backend_name}/%{NOTSPACE:server_name} %{INT:time_queue}/%{INT:time_backend_connect}/%{NOTSPACE:time_duration} %{NOTSPACE:bytes_read} %{NOTSPACE:termination_state} %{INT:actconn}/%{INT:feconn}/%{INT:beconn}/%{INT:srvconn}/%{NOTSPACE:retries} %{INT:srv_queue}/%{INT:backend_queue})g"},
  };
  return p;
}

} // namespace temblor::dsl::extractors
