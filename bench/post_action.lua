-- SPDX-License-Identifier: Apache-2.0
-- wrk script of bench/bench.py: POST one valid action (JSON) per request and count every
-- answer other than 201 Created. bench.py prepends ACTION_BODY (the JSON text, with the id of
-- a decision of the review); run by hand with
--   wrk -s post_action.lua -H 'Authorization: Basic ...' http://127.0.0.1:PORT/isms/api/v1/reviews/ID/actions
-- after defining ACTION_BODY at the top.

wrk.method = "POST"
wrk.body = ACTION_BODY or error("ACTION_BODY is not set")
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   not201 = 0
   seen = ""          -- "status=count" pairs of the non-201 answers, built in done()
   by_status = {}
end

function response(status, headers, body)
   if status ~= 201 then
      not201 = not201 + 1
      by_status[status] = (by_status[status] or 0) + 1
      -- keep the set of statuses readable from done() (thread:get copies plain values)
      local parts = {}
      for s, n in pairs(by_status) do parts[#parts + 1] = s .. "=" .. n end
      seen = table.concat(parts, " ")
      if not first_body then first_body = string.sub(body or "", 1, 300) end
   end
end

function done(summary, latency, requests)
   local total, detail = 0, {}
   for _, t in ipairs(threads) do
      total = total + (t:get("not201") or 0)
      local s = t:get("seen")
      if s and s ~= "" then detail[#detail + 1] = s end
      local b = t:get("first_body")
      if b and not first_seen then first_seen = b end
   end
   io.write(string.format("responses other than 201: %d", total))
   if total > 0 then
      io.write(string.format(" (status=count per wrk thread: %s; first body: %s)",
                             table.concat(detail, "; "), first_seen or ""))
   end
   io.write("\n")
end
