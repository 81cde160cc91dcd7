-- SPDX-License-Identifier: Apache-2.0
-- wrk script of bench/load.py: a 90/10 read/write mix. load.py prepends READS (a list of
-- paths) and WRITES (a list of {path, body}); every 10th request of a connection is a write
-- (POST, JSON), the others cycle through READS. Reads answer 200, writes 201: every other
-- answer is counted, by status, and printed in done() as
--   "unexpected responses: N (201 answers: W; status=count ...; first body: ...)".
-- (A wrk thread serves many connections, so a response cannot be matched to its request
-- here: the status alone tells a write, 201, from a read, 200.)

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   n, bad, created, refused, seen = 0, 0, 0, 0, ""
   by_status = {}
   post_headers = {}
   for k, v in pairs(wrk.headers) do post_headers[k] = v end   -- the Authorization too
   post_headers["Content-Type"] = "application/json"
end

function request()
   n = n + 1
   if n % 10 == 0 then
      local w = WRITES[(n / 10) % #WRITES + 1]
      return wrk.format("POST", w[1], post_headers, w[2])
   end
   return wrk.format("GET", READS[n % #READS + 1])
end

function response(status, headers, body)
   if status == 201 then created = created + 1 end
   -- a write refused at once by ISMSReviewWriteQueue (LOAD_WRITE_QUEUE): counted apart
   if status == 503 and ALLOW_REFUSED and string.find(body or "", "write-queue-full", 1, true) then
      refused = refused + 1
   elseif status ~= 200 and status ~= 201 then
      bad = bad + 1
      by_status[status] = (by_status[status] or 0) + 1
      local parts = {}
      for s, c in pairs(by_status) do parts[#parts + 1] = s .. "=" .. c end
      seen = table.concat(parts, " ")
      if not first_body then first_body = string.sub(body or "", 1, 300) end
   end
end

function done(summary, latency, requests)
   local total, w, q, detail, first = 0, 0, 0, {}, nil
   for _, t in ipairs(threads) do
      total = total + (t:get("bad") or 0)
      w = w + (t:get("created") or 0)
      q = q + (t:get("refused") or 0)
      local s = t:get("seen")
      if s and s ~= "" then detail[#detail + 1] = s end
      first = first or t:get("first_body")
   end
   io.write(string.format("refused by the write queue: %d\n", q))
   io.write(string.format("unexpected responses: %d (201 answers: %d", total, w))
   if total > 0 then
      io.write(string.format("; status=count per wrk thread: %s; first body: %s",
                             table.concat(detail, "; "), first or ""))
   end
   io.write(")\n")
   io.write(string.format("p99.9 latency: %.2fms\n", latency:percentile(99.9) / 1000.0))
end
