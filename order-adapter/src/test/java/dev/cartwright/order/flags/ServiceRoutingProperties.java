package dev.cartwright.order.flags;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's routing rule as Java sees it: the kill switch wins, raising the share only moves customers to the new side. */
class ServiceRoutingProperties {

    @Property
    void raisingTheShareNeverSendsACustomerBackToTheOrderService(@ForAll @StringLength(min = 1, max = 40) String customer,
                                                                @ForAll @IntRange(min = 0, max = 10_000) int a,
                                                                @ForAll @IntRange(min = 0, max = 10_000) int b) {
        for (ServiceRouting service : ServiceRouting.values()) {
            boolean atLow = service.servesNew(true, new FlagSetting(Math.min(a, b)), customer);
            boolean atHigh = service.servesNew(true, new FlagSetting(Math.max(a, b)), customer);
            assertThat(!atLow || atHigh).as("%s at %d then %d", customer, Math.min(a, b), Math.max(a, b)).isTrue();
        }
    }

    @Property
    void theKillSwitchSendsEveryoneToTheOrderService(@ForAll String customer, @ForAll @IntRange(min = 0, max = 10_000) int share) {
        for (ServiceRouting service : ServiceRouting.values()) {
            assertThat(service.servesNew(false, new FlagSetting(share), customer)).isFalse();
        }
    }

    @Property
    void theShareDecidesByTheBucketOfTheServicesOwnFlag(@ForAll @StringLength(min = 1, max = 40) String customer,
                                                        @ForAll @IntRange(min = 1, max = 9_999) int share) {
        for (ServiceRouting service : ServiceRouting.values()) {
            assertThat(service.servesNew(true, new FlagSetting(share), customer))
                .isEqualTo(Buckets.of(service.flag(), customer) < share);
        }
    }

    @Property
    void aCallWithoutSubjectGoesToTheNewServiceOnlyAtOneHundredPercent(@ForAll @IntRange(min = 0, max = 10_000) int share) {
        assertThat(ServiceRouting.CHECKOUT.servesNew(true, new FlagSetting(share), "")).isEqualTo(share == 10_000);
        assertThat(ServiceRouting.RETURNS.servesNew(true, new FlagSetting(share), null)).isEqualTo(share == 10_000);
    }
}
