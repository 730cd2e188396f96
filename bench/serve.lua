-- SPDX-License-Identifier: Apache-2.0
-- wrk script for bench/serve.sh: POST /v1/report?format=pdf with a submission and its audit log
-- as multipart/form-data (the fields curl -F sends) and a bearer token.
-- Environment: BENCH_TOKEN, BENCH_SUB, BENCH_AUD (file paths). Prints one line at the end:
-- "BENCH requests=N non200=N errors=N elapsed=S p50_ms=.. p90_ms=.. p99_ms=.. max_ms=..".
local function slurp(path)
    local f = assert(io.open(path, "rb"))
    local s = f:read("*a")
    f:close()
    return s
end

local boundary = "certreport-bench-7d1f0c"
local function field(name, data)
    return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name ..
        "\"; filename=\"" .. name .. ".xml\"\r\nContent-Type: application/xml\r\n\r\n" ..
        data .. "\r\n"
end

wrk.method = "POST"
wrk.path = "/v1/report?format=pdf"
wrk.body = field("submission", slurp(os.getenv("BENCH_SUB"))) ..
    field("audit", slurp(os.getenv("BENCH_AUD"))) .. "--" .. boundary .. "--\r\n"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

-- Answers other than 200, per thread (each thread has its own Lua state; done() reads them).
local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

non200 = 0
function response(status, headers, body)
    if status ~= 200 then
        non200 = non200 + 1
    end
end

function done(summary, latency, requests)
    local bad = 0
    for _, t in ipairs(threads) do
        bad = bad + (t:get("non200") or 0)
    end
    local e = summary.errors
    io.write(string.format(
        "BENCH requests=%d non200=%d errors=%d elapsed=%.3f p50_ms=%.2f p90_ms=%.2f " ..
        "p99_ms=%.2f max_ms=%.2f\n",
        summary.requests, bad, e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000))
end
