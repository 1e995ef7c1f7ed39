from ninja import NinjaAPI

api = NinjaAPI(title="Anju API", version="1", urls_namespace="api")
