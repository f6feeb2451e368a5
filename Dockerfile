# satcount in a container: the CLI on PATH, the shipped model included.
#   docker build -t satcount:0.1.0 .
#   docker run --rm -v "$PWD:/data" satcount:0.1.0 count scene.tif --road road.geojson --report report.html
# node:20-slim is Debian (glibc), which the prebuilt sharp and onnxruntime-node binaries need.

FROM node:20-slim AS build
WORKDIR /app
# .npmrc skips install scripts: onnxruntime-node's would download CUDA libraries; its CPU build ships in the package.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY models ./models
COPY LICENSE README.md ./
RUN ln -s /app/bin/satcount.js /usr/local/bin/satcount
USER node
WORKDIR /data
ENTRYPOINT ["satcount"]
CMD ["--help"]
