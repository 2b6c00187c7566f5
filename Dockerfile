# The thunderid-mock container image: the static binary and the bundled fixtures, from scratch.
#
# The build context is target/dist/image/, which `cargo xtask dist` prepares on Linux:
#   cargo xtask dist && docker build -f Dockerfile -t thunderid-mock target/dist/image
# `cargo xtask image` does both and smoke-tests the image.
#
# Run:   docker run --rm -p 8090:8090 thunderid-mock
# The mock names itself http://localhost:8090 (issuer, links, redirects). Wherever clients reach it
# by another URL (another host port, a compose service name), say so with --public-url:
#   docker run --rm -p 9000:8090 thunderid-mock --public-url http://localhost:9000
# Custom fixtures: -v "$PWD/my-fixtures:/fixtures:ro" ... --fixtures /fixtures

FROM scratch

COPY --chmod=0755 thunderid-mock /usr/local/bin/thunderid-mock
# The bundled set is compiled into the binary; this copy is a starting point for your own
# (docker cp, or --fixtures /usr/share/thunderid-mock/fixtures).
COPY fixtures/ /usr/share/thunderid-mock/fixtures/
# /tmp (mode 1777; scratch has none): --tls writes its certificate to the temp directory.
COPY --chmod=1777 rootfs/ /

# Inside a container the mock must listen beyond loopback for a published port to reach it.
ENV THUNDERID_MOCK_BIND=0.0.0.0 \
    THUNDERID_MOCK_PORT=8090
EXPOSE 8090
USER 65532:65532

HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --retries=3 \
    CMD ["/usr/local/bin/thunderid-mock", "healthcheck"]

ENTRYPOINT ["/usr/local/bin/thunderid-mock"]

LABEL org.opencontainers.image.title="thunderid-mock" \
      org.opencontainers.image.description="A fast, offline, faithful mock of the ThunderID identity server" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/thunderid-mock/thunderid-mock"
