package dev.cartwright.checkout.carts;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps the cart use cases out of the transport and the transport out of the cart store: {@code checkout.carts} speaks
 * in cart, pricing and catalogue types and returns outcomes as values (no gRPC, no generated contracts, no statuses, no
 * neighbour clients), and the endpoint reaches the store only through the use cases.
 */
class CartLayersTest {

    private final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.cartwright.checkout");

    @Test
    void theUseCasesKnowNoTransport() {
        noClasses().that().resideInAPackage("dev.cartwright.checkout.carts..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx.grpc..", "io.grpc..", "com.google.protobuf..",
                "dev.cartwright.proto..", "dev.cartwright.service.grpc..", "io.vertx.redis..", "io.vertx.sqlclient..",
                "dev.cartwright.checkout.api..", "dev.cartwright.checkout.neighbours..")
            .check(classes);
    }

    @Test
    void theEndpointReachesTheCartStoreOnlyThroughTheUseCases() {
        noClasses().that().resideInAPackage("dev.cartwright.checkout.api..")
            .should().dependOnClassesThat().resideInAPackage("dev.cartwright.cart.store..")
            .check(classes);
    }

    /** The rules above would pass vacuously if the import missed the production classes. */
    @Test
    void theRulesSeeTheRealClasses() {
        assertThat(classes.contain(CartCommands.class.getName())).isTrue();
        assertThat(classes.contain("dev.cartwright.checkout.api.CartGrpc")).isTrue();
        assertThat(classes.contain(CartLayersTest.class.getName())).isFalse();
    }
}
