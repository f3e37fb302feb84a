package dev.cartwright.order.flags;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlagSettingTest {

    @Test
    void readsSwitchesAndPercentages() {
        assertThat(FlagSetting.parse("on")).isEqualTo(FlagSetting.ON);
        assertThat(FlagSetting.parse(" TRUE ")).isEqualTo(FlagSetting.ON);
        assertThat(FlagSetting.parse("off")).isEqualTo(FlagSetting.OFF);
        assertThat(FlagSetting.parse("0")).isEqualTo(FlagSetting.OFF);
        assertThat(FlagSetting.parse("10%").basisPoints()).isEqualTo(1_000);
        assertThat(FlagSetting.parse("12.5 %").basisPoints()).isEqualTo(1_250);
        assertThat(FlagSetting.parse("0.01%").basisPoints()).isEqualTo(1);
        assertThat(FlagSetting.parse("100%")).isEqualTo(FlagSetting.ON);
        assertThat(FlagSetting.percent(50).basisPoints()).isEqualTo(5_000);
    }

    @Test
    void refusesWhatIsNotASettingAndSaysWhy() {
        assertThatThrownBy(() -> FlagSetting.parse("maybe")).hasMessageContaining("expected on, off or a percentage");
        assertThatThrownBy(() -> FlagSetting.parse("101%")).hasMessageContaining("between 0% and 100%");
        assertThatThrownBy(() -> FlagSetting.parse("-1%")).hasMessageContaining("between 0% and 100%");
        assertThatThrownBy(() -> FlagSetting.parse("0.001%")).hasMessageContaining("two decimals");
        assertThatThrownBy(() -> FlagSetting.parse("ten%")).hasMessageContaining("percentage");
    }

    @Test
    void printsWhatItReads() {
        for (String text : new String[] {"on", "off", "10%", "12.5%", "0.01%"}) {
            assertThat(FlagSetting.parse(text)).hasToString(text);
        }
    }

    @Test
    void coversTheLowestBucketsOfItsShare() {
        FlagSetting tenPercent = FlagSetting.parse("10%");
        assertThat(tenPercent.covers(0)).isTrue();
        assertThat(tenPercent.covers(999)).isTrue();
        assertThat(tenPercent.covers(1_000)).isFalse();
        assertThat(FlagSetting.OFF.covers(0)).isFalse();
        assertThat(FlagSetting.ON.covers(9_999)).isTrue();
    }
}
