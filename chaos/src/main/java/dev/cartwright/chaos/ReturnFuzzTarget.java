package dev.cartwright.chaos;

import dev.cartwright.proto.returns.v1.GetReturnRequestRequest;
import dev.cartwright.proto.returns.v1.ReturnRequest;
import dev.cartwright.proto.returns.v1.ReturnServiceGrpcClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Return Service as {@link InputFuzz} sees it: its victims are returns of delivered orders, a third each left
 * requested, approved and with their items received, so that fuzzed requests meet every state a refusal must leave
 * alone; the state judged is each return's version. It also knows the orders and customers behind them, for the
 * generators to mix into their ids.
 */
public final class ReturnFuzzTarget implements InputFuzz.Target {

    private final ReturnRig rig;
    private final List<String> related = new ArrayList<>();

    public ReturnFuzzTarget(ReturnRig rig) {
        this.rig = rig;
    }

    @Override
    public int port() {
        return rig.service.grpcPort();
    }

    @Override
    public long pid() {
        return rig.service.pid();
    }

    @Override
    public boolean alive() {
        return rig.service.alive();
    }

    @Override
    public Set<String> reads() {
        return Set.of("GetReturnRequest", "ListReturnRequests");
    }

    /** A refund that completes moves its return twice (items received → refunded → completed). */
    @Override
    public int versionsPerChange(String rpc) {
        return rpc.equals("ProcessRefund") ? 2 : 1;
    }

    @Override
    public List<String> victims(int count, String runId) {
        List<String> ids = new ArrayList<>();
        ReturnSetup.Stage[] stages = ReturnSetup.Stage.values();
        for (int i = 0; i < count; i++) {
            ReturnSetup.Made made = ReturnSetup.make(rig, "fuzz-" + runId + "-" + i, i, stages[i % stages.length]);
            ids.add(made.returnId());
            related.add(made.orderId());
            related.add(made.customerId());
        }
        return ids;
    }

    /** The victims' orders and customers, made by {@link #victims}. */
    public List<String> related() {
        return List.copyOf(related);
    }

    @Override
    public Map<String, Long> versions(List<String> returns) {
        Map<String, Long> out = new HashMap<>();
        for (String id : returns) {
            Calls.Reply<ReturnRequest> read = rig.calls.call(ReturnServiceGrpcClient.GetReturnRequest,
                GetReturnRequestRequest.newBuilder().setReturnId(id).build());
            if (!read.ok()) {
                throw new IllegalStateException("could not read return " + id + ": " + read.status() + " " + read.message());
            }
            out.put(id, read.body().getVersion());
        }
        return out;
    }
}
