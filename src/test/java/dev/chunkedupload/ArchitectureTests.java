package dev.chunkedupload;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the layout of the style guide: protocols and pages depend on the core, the core
 * on storage, never the other way, and no protocol on another.
 */
class ArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.chunkedupload");

	@Test
	void packagesWhenImportedThenFreeOfCycles() {
		slices().matching("dev.chunkedupload.(**)").should().beFreeOfCycles().check(classes);
	}

	@Test
	void protocolsWhenImportedThenIndependentOfEachOther() {
		slices().matching("dev.chunkedupload.protocol.(*)..").should().notDependOnEachOther().check(classes);
	}

	@Test
	void coreWhenImportedThenKnowsNothingOfHttpOrAdapters() {
		noClasses().that()
			.resideInAnyPackage("dev.chunkedupload.upload..", "dev.chunkedupload.storage..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("jakarta.servlet..", "org.springframework.http..", "org.springframework.web..",
					"dev.chunkedupload.protocol..", "dev.chunkedupload.web..", "dev.chunkedupload.security..")
			.check(classes);
	}

	@Test
	void storageWhenImportedThenKnowsNothingOfTheCoreOrJpa() {
		noClasses().that()
			.resideInAPackage("dev.chunkedupload.storage..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.chunkedupload.upload..", "jakarta.persistence..", "org.springframework.data..")
			.check(classes);
	}

	@Test
	void protocolsAndPagesWhenImportedThenDoNotReachIntoEachOther() {
		noClasses().that()
			.resideInAPackage("dev.chunkedupload.web..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.chunkedupload.protocol..")
			.check(classes);
		noClasses().that()
			.resideInAPackage("dev.chunkedupload.protocol..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.chunkedupload.web..")
			.check(classes);
	}

	@Test
	void problemDetailsWhenImportedThenKnowNothingElseOfTheProject() {
		noClasses().that()
			.resideInAPackage("dev.chunkedupload.problem..")
			.should()
			.dependOnClassesThat(
					resideInAPackage("dev.chunkedupload..").and(not(resideInAPackage("dev.chunkedupload.problem.."))))
			.check(classes);
	}

	@Test
	void coreWhenImportedThenKnowsNothingOfProblemDetails() {
		noClasses().that()
			.resideInAnyPackage("dev.chunkedupload.upload..", "dev.chunkedupload.storage..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.chunkedupload.problem..")
			.check(classes);
	}

}
