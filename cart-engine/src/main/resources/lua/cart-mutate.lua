-- Applies one change to one cart, atomically: idempotency check, existence, expected version, the cart's rules,
-- the write, the version bump, the idle TTL and the change-stream entry. Redis runs one script at a time, so
-- concurrent changes to a cart never lose each other.
--
-- KEYS[1] the cart hash {cart:<id>}
-- KEYS[2] the idempotency key {cart:<id>}:idem:<request key> (read and written only when ARGV[3] ~= '')
-- KEYS[3] the change stream
-- KEYS[4] the counter of idempotency keys stored in this hour (counted only when a key is stored)
-- KEYS[5] the customer index customer-cart:{<customer>} (only for 'create' with a customer, and only when the keys are
--         not sharded: sharded, the index is in the customer's shard and the store claims it before the create)
--
-- Sharded (a Redis Cluster, or several change streams), every key of one call carries the cart's shard's hash tag
-- ({s<k>}cart:<id>, its idempotency keys, the shard's stream and counter), so the script touches one hash slot.
--
-- ARGV[1] kind, ARGV[2] expected version or '', ARGV[3] the fingerprint of the request when an idempotency key is
-- given ('' for none), ARGV[4] now (epoch millis), ARGV[5] idle TTL (seconds), ARGV[6] idempotency TTL (seconds),
-- ARGV[7] cart id, ARGV[8] expected owner, ARGV[9..] per kind, and last the change's W3C trace context:
-- ARGV[#ARGV - 1] traceparent, ARGV[#ARGV] tracestate ('' for none), kept in the change record.
--
-- An idempotency key remembers a small record, whatever the size of the cart: {f = fingerprint, v = version after the
-- change, cu = the cart's customer}. The same key with the same fingerprint answers with the cart as it is now
-- (which holds the change) and changes nothing; with another fingerprint it answers {'REFUSED', 'KEY_REUSED', ...}
-- and replays nothing. Records remembered before fingerprints (a packed reply) are still replayed until they expire.
--
-- The expected owner: '' changes any cart (staff, development mode, the service's own steps); otherwise '=' followed
-- by the caller's customer id ('=' alone for a guest). Such a caller reaches a guest cart (cu == '') and a cart of
-- that customer; any other cart answers {'NOTFOUND', 'OWNER'}, exactly as if it did not exist, before its version
-- or anything else about it is looked at. Checking here keeps a change to one Redis round trip for every caller.
--
-- Replies (all elements strings):
--   {'OK', replayed '0'|'1', packed}   packed: the cart hash after the change as one MessagePack map (field -> value),
--   one bulk string instead of two per field, which is what the client spends its time parsing
--   {'NOTFOUND'} (not hot, also for a remembered key: the caller may load it from PostgreSQL and retry)   {'NOTFOUND', 'OWNER'} (another
--   customer's cart)   {'STALE', version}   {'REFUSED', reason, detail}   {'EXISTS', cart id} (create: the customer
--   already has a cart in the index)
--
-- The cart hash: id, cu (customer, '' for a guest), st (status), cur, rg, v (version), ca, ua (created/updated
-- millis), mi (merged into), oid (order id once converted), pr (promotions 'code=millis,...' in applied order),
-- 'l:<product>' = 'quantity|unit price|added millis|category|name' per line, 'mf:<source cart>' once merged from.
--
-- The change stream entry of an applied change: fields 'cart_id'; 'e', a MessagePack map of the change record
-- (cart_id, version, type, customer_id, product_id, quantity, delta, unit_price, currency, at, and for some types
-- other_cart_id, code, order_id, checkout_id; traceparent and tracestate when the change was made in a trace); and 'c', the cart hash after the change packed as in the reply. Readers
-- expand 'e' into those fields (StreamEntries), and still read entries written with the fields spelled out one by
-- one, or without 'c'.
--
-- The idle TTL: a changed cart carries none until the write-behind has stored that version (see finish()), nor does
-- the customer index entry a create writes.

local cart_key = KEYS[1]
local stream_key = KEYS[3]
local kind = ARGV[1]
local expected = ARGV[2]
local fingerprint = ARGV[3]
local has_idem = fingerprint ~= ''
local now = ARGV[4]
local idle_ttl = ARGV[5]
local idem_ttl = ARGV[6]
local cart_id = ARGV[7]
local owner = ARGV[8]
local traceparent = ARGV[#ARGV - 1]
local tracestate = ARGV[#ARGV]

-- Whether a cart whose customer is cu may be changed by this caller.
local function reachable(cu)
    return owner == '' or cu == nil or cu == '' or owner == '=' .. cu
end

-- The customer of a remembered reply: packed ({'OK', '0', map}) or, remembered before the packed reply, flat.
local function customer_of_reply(reply)
    if #reply == 3 then
        return cmsgpack.unpack(reply[3])['cu']
    end
    for i = 3, #reply - 1, 2 do
        if reply[i] == 'cu' then
            return reply[i + 1]
        end
    end
    return nil
end

-- A key already used: true when the request is the same and the answer is the cart as it is now.
local replay = false
if has_idem then
    local stored = redis.call('GET', KEYS[2])
    if stored then
        local record = cmsgpack.unpack(stored)
        if record['f'] == nil then
            -- Remembered before fingerprints: the whole first reply.
            if not reachable(customer_of_reply(record)) then
                return {'NOTFOUND', 'OWNER'}
            end
            record[2] = '1'
            return record
        end
        if not reachable(record['cu']) then
            return {'NOTFOUND', 'OWNER'}
        end
        if record['f'] ~= fingerprint then
            return {'REFUSED', 'KEY_REUSED', 'idempotency key reused with different parameters'}
        end
        replay = true
    end
end

local function load_cart()
    local raw = redis.call('HGETALL', cart_key)
    if #raw == 0 then
        return nil
    end
    local h = {}
    for i = 1, #raw, 2 do
        h[raw[i]] = raw[i + 1]
    end
    return h
end

local function flatten(h, replayed)
    return {'OK', replayed, cmsgpack.pack(h)}
end

local function refused(reason, detail)
    return {'REFUSED', reason, detail}
end

local function line_count(h)
    local n = 0
    for field in pairs(h) do
        if string.sub(field, 1, 2) == 'l:' then
            n = n + 1
        end
    end
    return n
end

-- 'quantity|price|added|category|name' -> quantity (number), the rest after the quantity
local function split_line(value)
    local q, rest = string.match(value, '^(%d+)|(.*)$')
    return tonumber(q), rest
end

local function line_price(rest)
    return string.match(rest, '^([^|]*)|')
end

local function line_added(rest)
    return string.match(rest, '^[^|]*|([^|]*)|')
end

local function promotions(h)
    local list = {}
    local pr = h['pr'] or ''
    for code, at in string.gmatch(pr, '([^,=]+)=(%d+)') do
        list[#list + 1] = {code, tonumber(at)}
    end
    return list
end

local function has_promotion(list, code)
    for _, entry in ipairs(list) do
        if entry[1] == code then
            return true
        end
    end
    return false
end

local function encode_promotions(list)
    local parts = {}
    for i, entry in ipairs(list) do
        parts[i] = entry[1] .. '=' .. string.format('%d', entry[2])
    end
    return table.concat(parts, ',')
end

-- Applied codes keep their order through PostgreSQL (ordered by applied_at), so times strictly increase.
local function next_applied_at(list)
    local at = tonumber(now)
    local last = list[#list]
    if last and last[2] >= at then
        at = last[2] + 1
    end
    return at
end

local h = load_cart()
local sets = {}
local dels = {}
local event = nil

local function set(field, value)
    h[field] = value
    sets[#sets + 1] = field
    sets[#sets + 1] = value
end

local function del(field)
    h[field] = nil
    dels[#dels + 1] = field
end

local function finish()
    local version = string.format('%d', tonumber(h['v']) + 1)
    set('v', version)
    set('ua', now)
    redis.call('HSET', cart_key, unpack(sets))
    if #dels > 0 then
        redis.call('HDEL', cart_key, unpack(dels))
    end
    -- No idle TTL until the write-behind has stored this version in PostgreSQL (it starts the TTL then, with
    -- cart-idle-ttl.lua): a cart that expired with changes still waiting in the stream would be read back from an
    -- older stored copy and hand out its versions a second time.
    redis.call('PERSIST', cart_key)
    -- The cart after the change, packed once: the reply and the change record both carry it, so the write-behind
    -- stores exactly this version from the record, even if the hash has left Redis meanwhile.
    local packed = cmsgpack.pack(h)
    -- The change record: cart_id in the clear, the record packed in 'e' (see the header), the cart packed in 'c',
    -- so that each reader parses six bulk strings per entry instead of twenty.
    local entry = {cart_id = cart_id, version = version, type = event.type, customer_id = h['cu'],
        product_id = event.product or '', quantity = event.quantity or '0', delta = event.delta or '0',
        unit_price = event.price or '0', currency = h['cur'], at = now,
        other_cart_id = event.other, code = event.code, order_id = event.order, checkout_id = event.checkout}
    if traceparent ~= '' then
        entry['traceparent'] = traceparent
        if tracestate ~= '' then
            entry['tracestate'] = tracestate
        end
    end
    redis.call('XADD', stream_key, '*', 'cart_id', cart_id, 'e', cmsgpack.pack(entry), 'c', packed)
    if has_idem then
        redis.call('SET', KEYS[2], cmsgpack.pack({f = fingerprint, v = version, cu = h['cu']}), 'EX', idem_ttl)
        redis.call('INCR', KEYS[4])
        redis.call('EXPIRE', KEYS[4], tonumber(idem_ttl) + 3600)
    end
    return {'OK', '0', packed}
end

-- Creating ------------------------------------------------------------------------------------------------------

if kind == 'create' then
    local customer = ARGV[9]
    local index_key = KEYS[5]
    if customer ~= '' and index_key then
        local other = redis.call('GET', index_key)
        if other and other ~= cart_id then
            return {'EXISTS', other}
        end
    end
    if h then
        return flatten(h, '1')
    end
    h = {v = '0'}
    set('id', cart_id)
    set('cu', customer)
    set('st', 'ACTIVE')
    set('cur', ARGV[10])
    set('rg', ARGV[11])
    set('ca', now)
    set('mi', '')
    set('oid', '')
    set('pr', '')
    if customer ~= '' and index_key then
        -- No TTL (SET clears one): the index expires with the cart, once the write-behind has stored it
        -- (cart-idle-ttl.lua); until then PostgreSQL cannot answer for the customer's active cart.
        redis.call('SET', index_key, cart_id)
    end
    event = {type = 'cart.created'}
    return finish()
end

-- Every other change needs the cart -----------------------------------------------------------------------------

if not h then
    return {'NOTFOUND'}
end

if not reachable(h['cu']) then
    return {'NOTFOUND', 'OWNER'}
end

if replay then
    return flatten(h, '1')
end

if expected ~= '' and expected ~= h['v'] then
    return {'STALE', h['v']}
end

local status = h['st']

-- The terminal marks are idempotent by themselves: marking again the same way changes nothing.
if kind == 'mark-merged' and status == 'MERGED' and h['mi'] == ARGV[9] then
    return flatten(h, '1')
end
if kind == 'mark-converted' and status == 'CONVERTED' and h['oid'] == ARGV[9] then
    return flatten(h, '1')
end
if kind == 'mark-abandoned' and status == 'ABANDONED' then
    return flatten(h, '1')
end
if kind == 'merge-from' and h['mf:' .. ARGV[9]] then
    return flatten(h, '1')
end

if status ~= 'ACTIVE' then
    return refused('NOT_ACTIVE', 'cart is ' .. status)
end

if kind == 'add' then
    local product, category, name = ARGV[9], ARGV[10], ARGV[11]
    local quantity, price = tonumber(ARGV[12]), ARGV[13]
    local min_q, max_q, max_lines = tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
    local field = 'l:' .. product
    local current = h[field]
    local new_quantity, added
    if current then
        local q, rest = split_line(current)
        new_quantity = q + quantity
        added = line_added(rest)
    else
        new_quantity = quantity
        added = now
        if line_count(h) >= max_lines then
            return refused('LINE_LIMIT', 'a cart holds at most ' .. ARGV[16] .. ' lines')
        end
    end
    if new_quantity < min_q or new_quantity > max_q then
        return refused('QUANTITY_LIMIT', product .. ': quantity ' .. new_quantity .. ' outside ' .. ARGV[14] .. '..' .. ARGV[15])
    end
    set(field, new_quantity .. '|' .. price .. '|' .. added .. '|' .. category .. '|' .. name)
    event = {type = 'cart.item.added', product = product, quantity = tostring(new_quantity), delta = ARGV[12], price = price}
    return finish()
end

if kind == 'set' or kind == 'remove' then
    local product = ARGV[9]
    local field = 'l:' .. product
    local current = h[field]
    if not current then
        return refused('NO_SUCH_LINE', product)
    end
    local q, rest = split_line(current)
    local price = line_price(rest)
    local quantity = 0
    if kind == 'set' then
        quantity = tonumber(ARGV[10])
    end
    if quantity == 0 then
        del(field)
        event = {type = 'cart.item.removed', product = product, quantity = '0', delta = tostring(q), price = price}
        return finish()
    end
    local min_q, max_q = tonumber(ARGV[11]), tonumber(ARGV[12])
    if quantity < min_q or quantity > max_q then
        return refused('QUANTITY_LIMIT', product .. ': quantity ' .. quantity .. ' outside ' .. ARGV[11] .. '..' .. ARGV[12])
    end
    set(field, quantity .. '|' .. rest)
    event = {type = 'cart.item.updated', product = product, quantity = tostring(quantity), delta = tostring(q), price = price}
    return finish()
end

if kind == 'clear' then
    local fields = {}
    for field in pairs(h) do
        if string.sub(field, 1, 2) == 'l:' then
            fields[#fields + 1] = field
        end
    end
    for _, field in ipairs(fields) do
        del(field)
    end
    event = {type = 'cart.cleared', delta = tostring(#fields)}
    return finish()
end

if kind == 'promo-add' or kind == 'promo-remove' then
    local code = ARGV[9]
    local list = promotions(h)
    if kind == 'promo-add' then
        if has_promotion(list, code) then
            return refused('PROMOTION_ALREADY_APPLIED', code)
        end
        list[#list + 1] = {code, next_applied_at(list)}
        event = {type = 'cart.promotion.applied', code = code}
    else
        if not has_promotion(list, code) then
            return refused('PROMOTION_NOT_APPLIED', code)
        end
        local kept = {}
        for _, entry in ipairs(list) do
            if entry[1] ~= code then
                kept[#kept + 1] = entry
            end
        end
        list = kept
        event = {type = 'cart.promotion.removed', code = code}
    end
    set('pr', encode_promotions(list))
    return finish()
end

if kind == 'merge-from' then
    local source = ARGV[9]
    if ARGV[10] ~= h['cur'] then
        return refused('CURRENCY_MISMATCH', 'cart ' .. source .. ' is in ' .. ARGV[10] .. ', this cart in ' .. h['cur'])
    end
    local max_q, max_lines = tonumber(ARGV[12]), tonumber(ARGV[13])
    local lines = line_count(h)
    local n = tonumber(ARGV[14])
    local i = 15
    local units = 0
    for _ = 1, n do
        local product, category, name = ARGV[i], ARGV[i + 1], ARGV[i + 2]
        local quantity, price, added = tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 5]
        i = i + 6
        local field = 'l:' .. product
        local current = h[field]
        if current then
            local q, rest = split_line(current)
            local merged = math.min(q + quantity, max_q)
            units = units + merged - q
            set(field, merged .. '|' .. rest)
        elseif lines < max_lines then
            local merged = math.min(quantity, max_q)
            units = units + merged
            lines = lines + 1
            set(field, merged .. '|' .. price .. '|' .. added .. '|' .. category .. '|' .. name)
        end
    end
    local codes = tonumber(ARGV[i])
    local list = promotions(h)
    for j = 1, codes do
        local code = ARGV[i + j]
        if not has_promotion(list, code) then
            list[#list + 1] = {code, next_applied_at(list)}
        end
    end
    set('pr', encode_promotions(list))
    set('mf:' .. source, now)
    event = {type = 'cart.merged', other = source, delta = tostring(units)}
    return finish()
end

if kind == 'mark-merged' then
    set('st', 'MERGED')
    set('mi', ARGV[9])
    event = {type = 'cart.merged', other = ARGV[9]}
    return finish()
end

if kind == 'mark-converted' then
    set('st', 'CONVERTED')
    set('oid', ARGV[9])
    event = {type = 'cart.converted', order = ARGV[9], checkout = ARGV[10]}
    return finish()
end

if kind == 'mark-abandoned' then
    set('st', 'ABANDONED')
    event = {type = 'cart.abandoned'}
    return finish()
end

return redis.error_reply('ERR unknown cart change ' .. tostring(kind))
