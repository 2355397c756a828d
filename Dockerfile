# Small production image: Alpine, production dependencies only, no npm cache, unprivileged user.
# The TypeScript runs through tsx (a production dependency), so there is no build output to go stale.
FROM node:20-alpine AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY workers ./workers
USER node
# 3000: the API; 9100: a worker's /metrics (account-linker worker --metrics-port 9100)
EXPOSE 3000 9100
HEALTHCHECK --interval=15s --timeout=5s CMD ["node", "bin/account-linker.js", "healthcheck"]
ENTRYPOINT ["node", "bin/account-linker.js"]
CMD ["start"]
