-- The gateway's rollout bucket: the same number order-adapter's Buckets.of(flag, subject) gives in Java, so the gateway
-- and every Java process agree on which customers a share covers. MurmurHash3 x86/32 (seed 0) of "<flag>:<subject>"
-- in UTF-8, read unsigned, modulo 10 000. Lua 5.3 integers are 64-bit: every step is masked back to 32 bits, and a
-- product's low 32 bits are right even when the 64-bit product wraps.

local M32 = 0xffffffff

local function rotl(x, r)
    return ((x << r) | (x >> (32 - r))) & M32
end

local function mul(a, b)
    return (a * b) & M32
end

local function murmur3(s)
    local c1, c2 = 0xcc9e2d51, 0x1b873593
    local h = 0
    local len = #s
    local blocks = len // 4
    for i = 0, blocks - 1 do
        local b1, b2, b3, b4 = string.byte(s, i * 4 + 1, i * 4 + 4)
        local k = b1 | (b2 << 8) | (b3 << 16) | (b4 << 24)
        k = mul(k, c1)
        k = rotl(k, 15)
        k = mul(k, c2)
        h = h ~ k
        h = rotl(h, 13)
        h = (h * 5 + 0xe6546b64) & M32
    end
    local tail = blocks * 4
    local rest = len & 3
    if rest > 0 then
        local k = 0
        if rest == 3 then k = k ~ (string.byte(s, tail + 3) << 16) end
        if rest >= 2 then k = k ~ (string.byte(s, tail + 2) << 8) end
        k = k ~ string.byte(s, tail + 1)
        k = mul(k, c1)
        k = rotl(k, 15)
        k = mul(k, c2)
        h = h ~ k
    end
    h = h ~ len
    h = h ~ (h >> 16)
    h = mul(h, 0x85ebca6b)
    h = h ~ (h >> 13)
    h = mul(h, 0xc2b2ae35)
    h = h ~ (h >> 16)
    return h
end

-- lua.rollout_bucket(<flag>): the bucket (0..9999) of the request's routing subject (txn.subject) for that flag,
-- or -1 when the request names no subject.
core.register_fetches("rollout_bucket", function(txn, flag)
    local subject = txn:get_var("txn.subject")
    if subject == nil or subject == "" then
        return -1
    end
    return murmur3(flag .. ":" .. subject) % 10000
end)
