package dev.cartwright.cart.store.change;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The change records cross module lines (the Kafka bridge in checkout-verticles reads them), so they carry no
 * transport: no Vert.x (Redis replies stay in the decoder, {@code ChangeRecords}), no Kafka, CloudEvents or protobuf.
 */
@AnalyzeClasses(packages = "dev.cartwright.cart.store.change", importOptions = ImportOption.DoNotIncludeTests.class)
class ChangeRecordBoundariesTest {

    @ArchTest
    static final ArchRule changeRecordsHaveNoTransport = noClasses()
        .that().resideInAPackage("dev.cartwright.cart.store.change..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.apache.kafka..", "io.cloudevents..",
            "com.google.protobuf..", "dev.cartwright.proto..")
        .because("a change record says what changed, whichever transport it came over or goes out on");

    /** The rule above would pass vacuously if the import missed the records. */
    @ArchTest
    static void theRuleSeesTheRecords(JavaClasses classes) {
        assertThat(classes.contain(CartChange.class.getName())).isTrue();
        assertThat(classes.contain(CartChange.ItemAdded.class.getName())).isTrue();
        assertThat(classes.contain(CartSnapshot.class.getName())).isTrue();
    }
}
