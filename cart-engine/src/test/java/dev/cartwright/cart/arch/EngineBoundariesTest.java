package dev.cartwright.cart.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the engine free of transport: the pricing core and the cart domain know nothing of gRPC, Kafka,
 * CloudEvents or generated protobuf classes, and pricing knows nothing of Vert.x at all. Only the store
 * adapters ({@code dev.cartwright.cart.store}) may reach for infrastructure.
 */
@AnalyzeClasses(packages = "dev.cartwright", importOptions = ImportOption.DoNotIncludeTests.class)
class EngineBoundariesTest {

    private static final String[] TRANSPORT = {
        "io.vertx.grpc..",
        "org.apache.kafka..",
        "io.vertx.kafka..",
        "io.cloudevents..",
        "com.google.protobuf..",
        "dev.cartwright.proto..",
    };

    @ArchTest
    static final ArchRule pricingHasNoTransport = noClasses()
        .that().resideInAPackage("dev.cartwright.pricing..")
        .should().dependOnClassesThat().resideInAnyPackage(TRANSPORT)
        .because("prices are computed the same whether a request came over gRPC or from a Kafka event");

    @ArchTest
    static final ArchRule pricingHasNoVertx = noClasses()
        .that().resideInAPackage("dev.cartwright.pricing..")
        .should().dependOnClassesThat().resideInAPackage("io.vertx..")
        .because("the pricing core is plain Java: pure functions over immutable snapshots");

    @ArchTest
    static final ArchRule cartDomainHasNoTransport = noClasses()
        .that().resideInAPackage("dev.cartwright.cart..")
        .and().resideOutsideOfPackage("dev.cartwright.cart.store..")
        .should().dependOnClassesThat().resideInAnyPackage(TRANSPORT)
        .because("the cart domain speaks in its own types; only the store adapters touch infrastructure");

    /** The rules above would pass vacuously if the import missed the production classes. */
    @ArchTest
    static void theRulesSeeTheRealClasses(JavaClasses classes) {
        assertThat(classes.contain("dev.cartwright.pricing.PricingCore")).isTrue();
        assertThat(classes.contain("dev.cartwright.pricing.TotalsCalculation")).isTrue();
        assertThat(classes.stream().anyMatch(javaClass -> javaClass.getPackageName().equals("dev.cartwright.cart"))).isTrue();
        assertThat(classes.contain(EngineBoundariesTest.class.getName())).isFalse();
    }
}
