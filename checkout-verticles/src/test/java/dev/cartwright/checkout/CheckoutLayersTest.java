package dev.cartwright.checkout;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps the checkout domain pure (it imports no framework, no transport, no storage and no generated contracts, and
 * never reaches the store, the saga or the edge) and gRPC statuses at the edge: the saga answers with values and
 * {@code CheckoutProblem}s, and only the endpoints (and the neighbours' own client code) touch StatusException; the saga
 * knows no generated contract message and no gRPC type at all.
 */
class CheckoutLayersTest {

    private final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.cartwright.checkout");

    @Test
    void theDomainDependsOnNothingButTheJdk() {
        noClasses().that().resideInAPackage("dev.cartwright.checkout.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.grpc..", "org.apache.kafka..", "io.cloudevents..",
                "dev.cartwright.proto..", "dev.cartwright.service..", "io.micrometer..", "com.google.protobuf..", "dev.cartwright.order..",
                "dev.cartwright.checkout.store..", "dev.cartwright.checkout.api..", "dev.cartwright.checkout.saga..",
                "dev.cartwright.checkout.neighbours..", "dev.cartwright.checkout.admin..")
            .check(classes);
    }

    /**
     * The saga speaks to its neighbours in the checkout's own words: the contracts' messages, the Order service client's
     * results and gRPC stay in the neighbours, the contract mapping and the edge.
     */
    @Test
    void theSagaKnowsNoContractOrTransport() {
        noClasses().that().resideInAnyPackage("dev.cartwright.checkout.saga..", "dev.cartwright.checkout.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.cartwright.proto..", "com.google.protobuf..", "io.grpc..",
                "io.vertx.grpc..", "dev.cartwright.order.client..", "dev.cartwright.service.grpc..")
            .check(classes);
    }

    /** The rules above would pass vacuously if the import missed the production classes. */
    @Test
    void theRulesSeeTheRealClasses() {
        assertThat(classes.contain("dev.cartwright.checkout.saga.ConfirmSaga")).isTrue();
        assertThat(classes.contain("dev.cartwright.checkout.domain.SagaPlan")).isTrue();
        assertThat(classes.contain("dev.cartwright.checkout.domain.Checkout$Confirming")).isTrue();
        assertThat(classes.contain("dev.cartwright.checkout.api.CheckoutGrpc")).isTrue();
        assertThat(classes.contain(CheckoutLayersTest.class.getName())).isFalse();
    }

    @Test
    void onlyTheEdgeMakesGrpcStatuses() {
        noClasses().that().resideOutsideOfPackage("dev.cartwright.checkout.api..")
            .and().resideOutsideOfPackage("dev.cartwright.checkout.neighbours..")
            .should().dependOnClassesThat().haveFullyQualifiedName("io.vertx.grpc.server.StatusException")
            .check(classes);
    }

    @Test
    void theSagaSpeaksToTheDatabaseOnlyThroughTheStore() {
        noClasses().that().resideInAnyPackage("dev.cartwright.checkout.saga..", "dev.cartwright.checkout.api..",
                "dev.cartwright.checkout.admin..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..")
            .check(classes);
    }

    @Test
    void theStoreNeverReachesTheSagaOrTheEdge() {
        noClasses().that().resideInAPackage("dev.cartwright.checkout.store..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.cartwright.checkout.saga..", "dev.cartwright.checkout.api..")
            .check(classes);
    }
}
