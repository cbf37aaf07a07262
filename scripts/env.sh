# Sourced by the scripts: puts npm's wasm-opt (binaryen 132) ahead of any other on PATH, because
# trunk takes the first wasm-opt it finds.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
