package dev.cartwright.returns;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps the return domain pure (its rules import no framework, no transport, no storage and no generated contracts)
 * and the packages in one direction: no two of them depend on each other.
 */
class ReturnLayersTest {

    private final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.cartwright.returns");

    @Test
    void theDomainDependsOnNothingButTheJdk() {
        noClasses().that().resideInAPackage("dev.cartwright.returns.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.grpc..", "org.apache.kafka..", "io.cloudevents..",
                "dev.cartwright.proto..", "dev.cartwright.service..", "io.micrometer..", "com.google.protobuf..",
                "dev.cartwright.returns.store..", "dev.cartwright.returns.api..", "dev.cartwright.returns.workflow..")
            .check(classes);
    }

    @Test
    void onlyTheEdgeMakesGrpcStatuses() {
        noClasses().that().resideOutsideOfPackage("dev.cartwright.returns.api..")
            .and().resideOutsideOfPackage("dev.cartwright.returns.neighbours..")
            .should().dependOnClassesThat().haveFullyQualifiedName("io.vertx.grpc.server.StatusException")
            .check(classes);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("dev.cartwright.returns.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theEventsNeverReachIntoTheWorkflows() {
        noClasses().that().resideInAPackage("dev.cartwright.returns.events..")
            .should().dependOnClassesThat().resideInAPackage("dev.cartwright.returns.workflow..")
            .check(classes);
    }

    @Test
    void onlyTheStoresReadSqlStates() {
        noClasses().that().resideOutsideOfPackage("dev.cartwright.returns.store..")
            .should().dependOnClassesThat().haveFullyQualifiedName("io.vertx.pgclient.PgException")
            .check(classes);
    }

    @Test
    void theEdgeAndTheWorkflowsSpeakToTheDatabaseOnlyThroughTheStores() {
        noClasses().that().resideInAnyPackage("dev.cartwright.returns.api..", "dev.cartwright.returns.admin..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..")
            .check(classes);
    }
}
