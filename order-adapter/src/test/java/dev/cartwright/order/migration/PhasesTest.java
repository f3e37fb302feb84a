package dev.cartwright.order.migration;

import java.util.Optional;

import dev.cartwright.order.flags.FeatureFlags;
import dev.cartwright.order.flags.FlagCatalog;
import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.MigrationFlags;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which side is primary in each phase, and which copies each phase allows. */
class PhasesTest {

    private static final FeatureFlags OFF = new FeatureFlags(FlagCatalog.migration().defaults());

    @Test
    void orderDbIsPrimaryUntilDualWriteOrReadsMove() {
        assertThat(PrimarySide.of(OFF)).isEqualTo(PrimarySide.ORDER_DB);
        assertThat(PrimarySide.of(flags(MigrationFlags.BACKFILL, "on"))).isEqualTo(PrimarySide.ORDER_DB);
        assertThat(PrimarySide.of(flags(MigrationFlags.DUAL_WRITE, "on"))).isEqualTo(PrimarySide.NEW_DATABASES);
        assertThat(PrimarySide.of(flags(MigrationFlags.READ_SWITCH, "0.01%"))).isEqualTo(PrimarySide.NEW_DATABASES);
        assertThat(PrimarySide.legacyMirrored(flags(MigrationFlags.DUAL_WRITE, "on"))).isTrue();
    }

    @Test
    void eachDirectionOfCopyIsAllowedOnlyWhereItCannotOverwriteNewerRows() {
        FeatureFlags backfilling = flags(MigrationFlags.BACKFILL, "on");
        FeatureFlags dualWriting = backfilling.with(MigrationFlags.DUAL_WRITE, FlagSetting.ON).with(MigrationFlags.READ_SWITCH,
            FlagSetting.parse("50%"));
        FeatureFlags newOnly = backfilling.with(MigrationFlags.READ_SWITCH, FlagSetting.ON);

        assertThat(Backfill.refusal(Backfill.Direction.TO_NEW, OFF)).contains(MigrationFlags.BACKFILL + " is off");
        assertThat(Backfill.refusal(Backfill.Direction.TO_NEW, backfilling)).isEmpty();
        assertThat(Backfill.refusal(Backfill.Direction.TO_NEW, dualWriting)).isEmpty();
        assertThat(Backfill.refusal(Backfill.Direction.TO_NEW, newOnly))
            .hasValueSatisfying(r -> assertThat(r).contains("order_db is behind"));
        assertThat(Backfill.refusal(Backfill.Direction.TO_LEGACY, backfilling)).hasValueSatisfying(r -> assertThat(r).contains("primary"));
        assertThat(Backfill.refusal(Backfill.Direction.TO_LEGACY, dualWriting)).isEqualTo(Optional.empty());
        // Reads on the new databases with dual-write off: the services write there without the dual-writer, so a copy
        // back would leave order_db behind again at once; dual-write goes on first.
        assertThat(Backfill.refusal(Backfill.Direction.TO_LEGACY, newOnly))
            .hasValueSatisfying(r -> assertThat(r).contains("without the dual-writer").contains("switch migration.dual_write on first"));
        assertThat(Backfill.refusal(Backfill.Direction.TO_LEGACY, newOnly.with(MigrationFlags.DUAL_WRITE, FlagSetting.ON))).isEmpty();
    }

    private static FeatureFlags flags(String flag, String setting) {
        return OFF.with(flag, FlagSetting.parse(setting));
    }
}
