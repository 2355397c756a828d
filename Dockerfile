# Small production image: production dependencies only, runs the TypeScript through tsx.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY workers ./workers
COPY tsconfig.json ./
USER node
EXPOSE 3000
ENTRYPOINT ["node", "bin/account-linker.js"]
CMD ["start"]
