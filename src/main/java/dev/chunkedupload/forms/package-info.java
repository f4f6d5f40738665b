/**
 * Large files in the application's own forms, as django2-resumable's model field did: the
 * browser sends the file in chunks to {@code /api/resumable} first (the
 * {@code upload-field} widget), and the form submits only the upload id. A form property
 * of type {@link dev.chunkedupload.forms.CompletedUpload} is bound from that id by
 * {@link dev.chunkedupload.forms.CompletedUploadConverter} and checked by
 * {@link dev.chunkedupload.forms.Attachable}, so every problem is an ordinary field
 * error.
 */
package dev.chunkedupload.forms;
