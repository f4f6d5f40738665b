/**
 * Completed uploads handed over to application records (django2-resumable's model field):
 * a form submits an upload id, and attaching moves the file into the record's own storage
 * area, once.
 */
package dev.chunkedupload.upload.attach;
