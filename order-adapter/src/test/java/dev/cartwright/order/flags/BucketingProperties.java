package dev.cartwright.order.flags;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** Percentage rollouts: stable per subject, monotone in the share, and close to the share over many subjects. */
class BucketingProperties {

    private static final String FLAG = MigrationFlags.READ_SWITCH;

    @Property
    void aSubjectsAnswerDependsOnlyOnTheFlagItsIdAndTheShare(@ForAll String subjectId,
                                                             @ForAll @IntRange(min = 0, max = 10_000) int basisPoints) {
        FeatureFlags one = flagsAt(basisPoints);
        FeatureFlags other = flagsAt(basisPoints);

        assertThat(one.isOn(FLAG, subjectId)).isEqualTo(other.isOn(FLAG, subjectId));
        assertThat(one.isOn(FLAG, subjectId)).isEqualTo(one.isOn(FLAG, new String(subjectId.toCharArray())));
        assertThat(Buckets.of(FLAG, subjectId)).isBetween(0, 9_999);
    }

    @Property
    void aSubjectOnAtOneShareIsOnAtEveryLargerShare(@ForAll @AlphaChars @StringLength(min = 1, max = 40) String subjectId,
                                                    @ForAll @IntRange(min = 0, max = 10_000) int smaller,
                                                    @ForAll @IntRange(min = 0, max = 10_000) int larger) {
        int low = Math.min(smaller, larger);
        int high = Math.max(smaller, larger);

        if (flagsAt(low).isOn(FLAG, subjectId)) {
            assertThat(flagsAt(high).isOn(FLAG, subjectId)).isTrue();
        }
        if (!flagsAt(high).isOn(FLAG, subjectId)) {
            assertThat(flagsAt(low).isOn(FLAG, subjectId)).isFalse();
        }
    }

    @Property(tries = 40)
    void theShareOfSubjectsOnIsCloseToTheSetting(@ForAll long seed, @ForAll @IntRange(min = 0, max = 10_000) int basisPoints) {
        int subjects = 20_000;
        SplittableRandom random = new SplittableRandom(seed);
        FeatureFlags flags = flagsAt(basisPoints);
        int on = 0;
        for (int i = 0; i < subjects; i++) {
            String id = random.nextBoolean()
                ? new UUID(random.nextLong(), random.nextLong()).toString()
                : "cust-" + random.nextInt(1 << 30);
            if (flags.isOn(FLAG, id)) {
                on++;
            }
        }
        double share = on / (double) subjects;
        double expected = basisPoints / 10_000.0;
        // Six standard deviations of a binomial share at p = 0.5 over 20 000 subjects is about 2.1 points.
        assertThat(share).isCloseTo(expected, offset(0.022));
    }

    @Property
    void noneAreOnAtZeroAndAllAreOnAtAHundredPercent(@ForAll String subjectId) {
        assertThat(flagsAt(0).isOn(FLAG, subjectId)).isFalse();
        assertThat(flagsAt(10_000).isOn(FLAG, subjectId)).isTrue();
    }

    private static FeatureFlags flagsAt(int basisPoints) {
        return new FeatureFlags(Map.of(FLAG, new FlagSetting(basisPoints)));
    }
}
