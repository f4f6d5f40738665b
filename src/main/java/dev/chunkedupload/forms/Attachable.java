package dev.chunkedupload.forms;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * The {@link CompletedUpload} must be the caller's, complete, and not attached to another
 * record. {@code null} is valid (add {@code @NotNull} to require a file).
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Constraint(validatedBy = AttachableValidator.class)
public @interface Attachable {

	String message() default "{dev.chunkedupload.forms.Attachable.message}";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
