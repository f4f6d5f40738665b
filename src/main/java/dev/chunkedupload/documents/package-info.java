/**
 * The Documents demo: a title, a description and a file of any size, the file sent in
 * chunks by the {@code upload-field} widget before the form is submitted, and taken over
 * through a {@link dev.chunkedupload.forms.CompletedUpload} form property. Users see
 * their own documents; administrators see everyone's.
 */
package dev.chunkedupload.documents;
