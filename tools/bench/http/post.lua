-- wrk: a small JSON POST per request.
wrk.method = "POST"
wrk.body = '{"id":42,"name":"temblor","tags":["http","bench"],"ok":true}'
wrk.headers["Content-Type"] = "application/json"
