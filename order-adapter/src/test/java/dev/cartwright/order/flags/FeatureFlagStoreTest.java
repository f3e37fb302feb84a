package dev.cartwright.order.flags;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureFlagStoreTest {

    @TempDir
    Path dir;

    @Test
    void defaultsThenFileThenEnvironment() throws IOException {
        Path file = write("flags.properties", "migration.backfill=on\nmigration.read_switch=10%\nmigration.verify=on\n");

        FeatureFlagStore store = FeatureFlagStore.load(FlagCatalog.migration(), Map.of(
            FeatureFlagStore.FILE_VARIABLE, file.toString(),
            "CARTWRIGHT_FLAG_MIGRATION_READ_SWITCH", "50%",
            "CARTWRIGHT_PG_HOST", "db"));

        FeatureFlags flags = store.current();
        assertThat(flags.isOn(MigrationFlags.BACKFILL)).isTrue();
        assertThat(flags.setting(MigrationFlags.READ_SWITCH).basisPoints()).isEqualTo(5_000);
        assertThat(flags.isOn(MigrationFlags.DUAL_WRITE)).isFalse();
        assertThat(flags.isOn(MigrationFlags.CLEANUP)).isFalse();
        assertThat(flags.isOn(MigrationFlags.VERIFY)).isTrue();
    }

    @Test
    void readsAJsonFile() throws IOException {
        Path file = write("flags.json",
            "{\"migration.dual_write\": true, \"migration.read_switch\": 12.5, \"migration.cleanup\": \"off\"}");

        FeatureFlags flags = FeatureFlagStore.load(FlagCatalog.migration(), Optional.of(file), Map.of()).current();

        assertThat(flags.isOn(MigrationFlags.DUAL_WRITE)).isTrue();
        assertThat(flags.setting(MigrationFlags.READ_SWITCH).basisPoints()).isEqualTo(1_250);
        assertThat(flags.isOn(MigrationFlags.CLEANUP)).isFalse();
    }

    @Test
    void startUpRefusesUnknownFlagsAndBadValuesNamingThem() throws IOException {
        Path typo = write("typo.properties", "migration.dual_writ=off\n");
        Path bad = write("bad.properties", "migration.read_switch=lots\n");

        assertThatThrownBy(() -> FeatureFlagStore.load(FlagCatalog.migration(), Optional.of(typo), Map.of()))
            .isInstanceOf(FlagConfigException.class).hasMessageContaining("unknown flag 'migration.dual_writ'");
        assertThatThrownBy(() -> FeatureFlagStore.load(FlagCatalog.migration(), Optional.of(bad), Map.of()))
            .isInstanceOf(FlagConfigException.class).hasMessageContaining("migration.read_switch").hasMessageContaining("lots");
        assertThatThrownBy(() -> FeatureFlagStore.load(FlagCatalog.migration(), Map.of("CARTWRIGHT_FLAG_MIGRATION_DUALWRITE", "on")))
            .isInstanceOf(FlagConfigException.class).hasMessageContaining("CARTWRIGHT_FLAG_MIGRATION_DUALWRITE");
    }

    @Test
    void reloadSwapsTheWholeSnapshotAndReportsWhatChanged() throws IOException {
        Path file = write("flags.properties", "migration.read_switch=10%\nmigration.dual_write=on\n");
        FeatureFlagStore store = FeatureFlagStore.load(FlagCatalog.migration(), Optional.of(file), Map.of());
        FeatureFlags before = store.current();

        write("flags.properties", "migration.read_switch=50%\nmigration.dual_write=on\n");
        ReloadOutcome outcome = store.reload();

        assertThat(outcome).isInstanceOf(ReloadOutcome.Changed.class);
        assertThat(((ReloadOutcome.Changed) outcome).changed()).containsExactly(MigrationFlags.READ_SWITCH);
        assertThat(store.current().setting(MigrationFlags.READ_SWITCH).basisPoints()).isEqualTo(5_000);
        assertThat(before.setting(MigrationFlags.READ_SWITCH).basisPoints()).isEqualTo(1_000);
        assertThat(store.reload()).isInstanceOf(ReloadOutcome.Unchanged.class);
    }

    @Test
    void aBadFileAtReloadKeepsTheFlagsInForce() throws IOException {
        Path file = write("flags.properties", "migration.dual_write=on\n");
        FeatureFlagStore store = FeatureFlagStore.load(FlagCatalog.migration(), Optional.of(file), Map.of());

        write("flags.properties", "migration.dual_write=of\n");
        ReloadOutcome outcome = store.reload();

        assertThat(outcome).isInstanceOf(ReloadOutcome.Rejected.class);
        assertThat(((ReloadOutcome.Rejected) outcome).reason()).contains("migration.dual_write");
        assertThat(store.current().isOn(MigrationFlags.DUAL_WRITE)).isTrue();
    }

    @Test
    void theEnvironmentStillWinsAfterAReload() throws IOException {
        Path file = write("flags.properties", "migration.cleanup=off\n");
        FeatureFlagStore store = FeatureFlagStore.load(FlagCatalog.migration(), Optional.of(file),
            Map.of("CARTWRIGHT_FLAG_MIGRATION_CLEANUP", "off"));

        write("flags.properties", "migration.cleanup=on\n");
        store.reload();

        assertThat(store.current().isOn(MigrationFlags.CLEANUP)).isFalse();
    }

    @Test
    void aWatchedFileIsReloadedWhenItChanges() throws Exception {
        Path file = write("flags.properties", "migration.read_switch=10%\n");
        FeatureFlagStore store = FeatureFlagStore.load(FlagCatalog.migration(), Optional.of(file), Map.of());
        CompletableFuture<FeatureFlags> changed = new CompletableFuture<>();
        store.onChange(changed::complete);
        Vertx vertx = Vertx.vertx();
        long timer = store.watch(vertx, Duration.ofMillis(20));
        try {
            assertThat(timer).isNotNegative();

            write("flags.properties", "migration.read_switch=100%\nmigration.dual_write=on\n");

            FeatureFlags seen = changed.get(30, TimeUnit.SECONDS);
            assertThat(seen.isOn(MigrationFlags.READ_SWITCH)).isTrue();
            assertThat(seen.isOn(MigrationFlags.DUAL_WRITE)).isTrue();
            assertThat(store.current()).isEqualTo(seen);
        } finally {
            vertx.cancelTimer(timer);
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSwitchTakesOnlyOnOrOffWhileARolloutTakesAShare() throws IOException {
        Path half = write("half.properties", "migration.cleanup=50%\n");
        Path rollout = write("rollout.properties", "migration.read_switch=12.5%\n");

        assertThatThrownBy(() -> FeatureFlagStore.load(FlagCatalog.migration(), Optional.of(half), Map.of()))
            .isInstanceOf(FlagConfigException.class).hasMessageContaining("'migration.cleanup' is a switch");
        assertThat(FeatureFlagStore.load(FlagCatalog.migration(), Optional.of(rollout), Map.of()).current()
            .setting(MigrationFlags.READ_SWITCH).basisPoints()).isEqualTo(1_250);
    }

    @Test
    void askingForAnUnknownFlagIsAnError() {
        FeatureFlags flags = FeatureFlagStore.load(FlagCatalog.migration(), Map.of()).current();

        assertThatThrownBy(() -> flags.isOn("migration.readswitch", "cart-1")).hasMessageContaining("unknown feature flag");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
