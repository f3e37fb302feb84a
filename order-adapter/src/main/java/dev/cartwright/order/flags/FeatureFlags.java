package dev.cartwright.order.flags;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One immutable set of flag settings: what every flag was at one moment. Readers take the current snapshot from a
 * {@link FeatureFlagStore} and ask it; a reload builds a new snapshot and swaps it in whole, so one decision never
 * sees half of an edit.
 *
 * <p>Asking about a flag the catalogue does not know is a programming error and throws: a misspelt flag name must
 * not quietly read as "off".
 */
public final class FeatureFlags {

    private final Map<String, FlagSetting> settings;

    /** A snapshot of exactly these settings (names as given, sorted for display). */
    public FeatureFlags(Map<String, FlagSetting> settings) {
        for (String name : settings.keySet()) {
            FlagCatalog.requireName(name);
        }
        this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /** Every flag with its setting, sorted by name. */
    public Map<String, FlagSetting> settings() {
        return settings;
    }

    public FlagSetting setting(String flag) {
        FlagSetting setting = settings.get(flag);
        if (setting == null) {
            throw new IllegalArgumentException("unknown feature flag '" + flag + "'; known: " + settings.keySet());
        }
        return setting;
    }

    /** On for everyone (a switch that is on, or a rollout at 100%). */
    public boolean isOn(String flag) {
        return setting(flag).fullyOn();
    }

    /** On for this subject: its stable bucket for this flag lies inside the flag's share. */
    public boolean isOn(String flag, String subjectId) {
        FlagSetting setting = setting(flag);
        if (setting.fullyOn() || setting.off()) {
            return setting.fullyOn();
        }
        return setting.covers(Buckets.of(flag, subjectId));
    }

    /** This snapshot with one flag changed; the flag must be known. */
    public FeatureFlags with(String flag, FlagSetting setting) {
        setting(flag);
        Map<String, FlagSetting> changed = new TreeMap<>(settings);
        changed.put(flag, setting);
        return new FeatureFlags(changed);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FeatureFlags flags && flags.settings.equals(settings);
    }

    @Override
    public int hashCode() {
        return settings.hashCode();
    }

    @Override
    public String toString() {
        return settings.toString();
    }
}
