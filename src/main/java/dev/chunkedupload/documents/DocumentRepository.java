package dev.chunkedupload.documents;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface DocumentRepository extends JpaRepository<Document, Long> {

	List<Document> findByOwnerOrderByCreatedAtDesc(String owner);

	List<Document> findAllByOrderByCreatedAtDesc();

}
